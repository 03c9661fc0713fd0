package io.cairn.registry.command;

import java.util.Objects;

/** Deletes an ACL policy; tokens that linked it keep the link, which then grants nothing. */
public record DeleteAclPolicy(String id) implements Command {
  public DeleteAclPolicy {
    Objects.requireNonNull(id, "id");
  }
}
