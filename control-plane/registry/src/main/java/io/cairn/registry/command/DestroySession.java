package io.cairn.registry.command;

import java.util.Objects;
import java.util.OptionalLong;

/**
 * Invalidates a session: its keys are released or deleted, as its behavior says. Destroying a
 * session that does not exist does nothing.
 *
 * @param ifModifyIndex only if the session was last changed at this index: how an expiry gives way
 *     to a renewal that came first
 */
public record DestroySession(String id, OptionalLong ifModifyIndex) implements Command {
  public DestroySession {
    Objects.requireNonNull(id, "id");
    Objects.requireNonNull(ifModifyIndex, "ifModifyIndex");
  }

  public static DestroySession of(String id) {
    return new DestroySession(id, OptionalLong.empty());
  }
}
