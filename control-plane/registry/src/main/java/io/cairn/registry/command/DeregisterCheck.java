package io.cairn.registry.command;

import java.util.Objects;

/** Removes one check. */
public record DeregisterCheck(String checkId) implements Command {
  public DeregisterCheck {
    Objects.requireNonNull(checkId, "checkId");
  }
}
