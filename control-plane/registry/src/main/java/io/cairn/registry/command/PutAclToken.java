package io.cairn.registry.command;

import io.cairn.registry.acl.AclToken;
import java.util.Objects;

/** Creates or replaces an ACL token (by accessor id). */
public record PutAclToken(AclToken token) implements Command {
  public PutAclToken {
    Objects.requireNonNull(token, "token");
  }
}
