package io.cairn.registry.command;

import java.util.Objects;

/** Deletes an ACL token; its secret stops working at once. */
public record DeleteAclToken(String accessorId) implements Command {
  public DeleteAclToken {
    Objects.requireNonNull(accessorId, "accessorId");
  }
}
