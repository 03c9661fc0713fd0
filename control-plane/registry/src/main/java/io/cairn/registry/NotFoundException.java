package io.cairn.registry;

/** A command named an instance, check or entry that does not exist. */
public final class NotFoundException extends RegistryException {
  public NotFoundException(String message) {
    super(message);
  }
}
