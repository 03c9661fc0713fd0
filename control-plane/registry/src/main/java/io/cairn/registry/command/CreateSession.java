package io.cairn.registry.command;

import io.cairn.registry.kv.Session;
import java.util.Objects;

/** Creates a session; the checks it names must exist and not be critical. */
public record CreateSession(Session session) implements Command {
  public CreateSession {
    Objects.requireNonNull(session, "session");
  }
}
