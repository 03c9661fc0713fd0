package io.cairn.registry.command;

import io.cairn.registry.acl.AclPolicy;
import java.util.Objects;

/** Creates or replaces an ACL policy (by id). */
public record PutAclPolicy(AclPolicy policy) implements Command {
  public PutAclPolicy {
    Objects.requireNonNull(policy, "policy");
  }
}
