package io.cairn.registry;

/** {@code acl bootstrap} after a management token was already stored. */
public final class AclBootstrapDoneException extends RegistryException {
  public AclBootstrapDoneException() {
    super("ACL bootstrap no longer allowed: a management token exists");
  }
}
