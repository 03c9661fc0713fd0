package io.cairn.registry.command;

import io.cairn.registry.acl.AclToken;
import java.util.Objects;

/**
 * Stores the first management token; refused once any stored token links the management policy
 * (Consul's {@code acl bootstrap}).
 */
public record BootstrapAcl(AclToken token) implements Command {
  public BootstrapAcl {
    Objects.requireNonNull(token, "token");
  }
}
