package io.cairn.registry.command;

import java.util.Objects;

/**
 * Restarts a session's TTL from {@code nowMillis} (read at the edge, so applying stays
 * deterministic). Fails with not-found for an unknown session.
 */
public record RenewSession(String id, long nowMillis) implements Command {
  public RenewSession {
    Objects.requireNonNull(id, "id");
  }
}
