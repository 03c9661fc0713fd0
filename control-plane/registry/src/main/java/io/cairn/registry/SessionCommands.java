package io.cairn.registry;

import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.CreateSession;
import io.cairn.registry.command.DestroySession;
import io.cairn.registry.command.RenewSession;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.kv.Session;
import io.cairn.registry.kv.SessionBehavior;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.Problems;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies the session commands, and invalidates sessions whose checks went critical or away: a
 * session's keys are released or deleted in the same commit as its invalidation, as in Consul.
 */
final class SessionCommands {
  private SessionCommands() {}

  static CommandResult create(WorkingState s, CreateSession c, long at) {
    Session session = c.session();
    Problems p = new Problems();
    if (s.view().kv().session(session.id()).isPresent()) {
      p.add("ID", "a session with ID '" + session.id() + "' exists");
    }
    for (String check : session.serviceChecks()) {
      Optional<Indexed<HealthCheck>> found = s.view().check(check);
      if (found.isEmpty()) {
        p.add("ServiceChecks", "Missing check '" + check + "' registration");
      } else if (found.get().value().status() == HealthStatus.CRITICAL) {
        p.add("ServiceChecks", "Check '" + check + "' is in critical state");
      }
    }
    p.throwIfAny();
    s.putSession(new Indexed<>(session, at, at));
    return CommandApplier.outcome(s, at);
  }

  static CommandResult renew(WorkingState s, RenewSession c, long at) {
    Indexed<Session> existing =
        s.view()
            .kv()
            .session(c.id())
            .orElseThrow(() -> new NotFoundException("Session id '" + c.id() + "' not found"));
    s.putSession(existing.modified(existing.value().renewedAt(c.nowMillis()), at));
    return CommandApplier.outcome(s, at);
  }

  static CommandResult destroy(WorkingState s, DestroySession c, long at) {
    Optional<Indexed<Session>> existing = s.view().kv().session(c.id());
    if (existing.isEmpty()) {
      return CommandApplier.outcome(s, at);
    }
    if (c.ifModifyIndex().isPresent()
        && existing.get().modifyIndex() != c.ifModifyIndex().getAsLong()) {
      return new CommandResult(CommandResult.Outcome.CAS_FAILED, s.index());
    }
    invalidate(s, existing.get().value(), at);
    return CommandApplier.outcome(s, at);
  }

  /** Removes the session, then releases or deletes what it held. */
  private static void invalidate(WorkingState s, Session session, long at) {
    List<Indexed<KvEntry>> held = s.view().kv().heldBy(session.id());
    s.removeSession(session.id(), at, System.currentTimeMillis());
    for (Indexed<KvEntry> e : held) {
      if (session.behavior() == SessionBehavior.DELETE) {
        s.removeKv(e.value().key(), at);
      } else {
        s.putKv(e.modified(e.value().withLock(Optional.empty(), e.value().lockIndex()), at));
      }
    }
  }

  /**
   * Invalidates every session that depends on a check that is now critical or gone. Cheap when
   * there are no sessions, which is what most commands meet.
   */
  static void invalidateForChecks(WorkingState s, long at) {
    if (s.view().kv().sessions().isEmpty()) {
      return;
    }
    List<Session> broken = new ArrayList<>();
    for (Indexed<Session> session : s.view().kv().sessions().values()) {
      for (String check : session.value().serviceChecks()) {
        Optional<Indexed<HealthCheck>> found = s.view().check(check);
        if (found.isEmpty() || found.get().value().status() == HealthStatus.CRITICAL) {
          broken.add(session.value());
          break;
        }
      }
    }
    for (Session session : broken) {
      invalidate(s, session, at);
    }
  }
}
