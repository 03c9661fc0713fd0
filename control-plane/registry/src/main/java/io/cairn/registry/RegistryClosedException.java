package io.cairn.registry;

/** The registry is shutting down and takes no more commands. */
public final class RegistryClosedException extends RegistryException {
  public RegistryClosedException() {
    super("the registry is shutting down");
  }
}
