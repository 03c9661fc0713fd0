package io.cairn.registry;

import io.cairn.registry.TxnFailedException.TxnError;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.KvDelete;
import io.cairn.registry.command.KvLock;
import io.cairn.registry.command.KvSet;
import io.cairn.registry.command.KvTxn;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.kv.KvOp;
import io.cairn.registry.kv.KvResult;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Applies the KV commands with Consul's semantics: a write always moves the key's modify index,
 * check-and-set on an absent key only creates with 0, deleting what is absent succeeds, and a
 * transaction applies every operation or, if any check fails, none.
 */
final class KvCommands {
  private KvCommands() {}

  static CommandResult set(WorkingState s, KvSet c, long at) {
    if (c.cas().isPresent() && !casHolds(s, c.entry().key(), c.cas().getAsLong())) {
      return new CommandResult(CommandResult.Outcome.CAS_FAILED, s.index());
    }
    put(s, c.entry(), at);
    return CommandApplier.outcome(s, at);
  }

  static CommandResult lock(WorkingState s, KvLock c, long at) {
    if (c.acquire()) {
      requireSession(s, c.session());
    }
    Optional<String> refused =
        c.acquire()
            ? acquire(s, c.entry(), c.session(), at, System.currentTimeMillis())
            : release(s, c.entry(), c.session(), at);
    return refused.isPresent()
        ? new CommandResult(CommandResult.Outcome.CAS_FAILED, s.index())
        : CommandApplier.outcome(s, at);
  }

  private static void requireSession(WorkingState s, String session) {
    if (s.view().kv().session(session).isEmpty()) {
      throw ValidationException.of("session", "invalid session \"" + session + "\"");
    }
  }

  /**
   * Consul's lock: the key's value is written and {@code session} holds it, unless another session
   * holds it or its lock delay runs. Taking a free lock counts in {@code LockIndex}; re-acquiring
   * one already held does not. Why it was refused, if it was.
   */
  private static Optional<String> acquire(
      WorkingState s, KvEntry entry, String session, long at, long nowMillis) {
    var kv = s.view().kv();
    if (kv.lockDelayed(entry.key(), nowMillis)) {
      return Optional.of("failed to lock key \"" + entry.key() + "\", lock delay in effect");
    }
    Optional<Indexed<KvEntry>> existing = kv.entry(entry.key());
    long lockIndex = 1;
    if (existing.isPresent()) {
      Optional<String> holder = existing.get().value().session();
      if (holder.isPresent() && !holder.get().equals(session)) {
        return Optional.of("failed to lock key \"" + entry.key() + "\", lock is already held");
      }
      lockIndex = existing.get().value().lockIndex() + (holder.isPresent() ? 0 : 1);
    }
    KvEntry locked = entry.withLock(Optional.of(session), lockIndex);
    s.putKv(
        existing.map(e -> e.modified(locked, at)).orElseGet(() -> new Indexed<>(locked, at, at)));
    return Optional.empty();
  }

  /** Consul's unlock: only the holder releases; the value is written and the lock index kept. */
  private static Optional<String> release(WorkingState s, KvEntry entry, String session, long at) {
    Optional<Indexed<KvEntry>> existing = s.view().kv().entry(entry.key());
    if (existing.isEmpty()
        || !existing.get().value().session().filter(session::equals).isPresent()) {
      return Optional.of(
          "failed to unlock key \""
              + entry.key()
              + "\", lock isn't held, or is held by another session");
    }
    KvEntry released = entry.withLock(Optional.empty(), existing.get().value().lockIndex());
    s.putKv(existing.get().modified(released, at));
    return Optional.empty();
  }

  static CommandResult delete(WorkingState s, KvDelete c, long at) {
    if (c.recurse()) {
      for (Indexed<KvEntry> e : s.view().kv().under(c.key())) {
        s.removeKv(e.value().key(), at);
      }
      return CommandApplier.outcome(s, at);
    }
    Optional<Indexed<KvEntry>> existing = s.view().kv().entry(c.key());
    if (existing.isEmpty()) {
      return CommandApplier.outcome(s, at);
    }
    if (c.cas().isPresent() && existing.get().modifyIndex() != c.cas().getAsLong()) {
      return new CommandResult(CommandResult.Outcome.CAS_FAILED, s.index());
    }
    s.removeKv(c.key(), at);
    return CommandApplier.outcome(s, at);
  }

  static CommandResult txn(WorkingState s, KvTxn c, long at) {
    List<KvResult> results = new ArrayList<>();
    List<TxnError> errors = new ArrayList<>();
    for (int i = 0; i < c.ops().size(); i++) {
      KvOp op = c.ops().get(i);
      Optional<String> error = apply(s, op, at, results);
      if (error.isPresent()) {
        errors.add(new TxnError(i, error.get()));
      }
    }
    if (!errors.isEmpty()) {
      // The applier rolls the whole transaction back.
      throw new TxnFailedException(errors);
    }
    CommandResult outcome = CommandApplier.outcome(s, at);
    return new CommandResult(outcome.outcome(), outcome.index(), results);
  }

  /** Applies one operation, adding what it returns to {@code results}; its error if it fails. */
  private static Optional<String> apply(WorkingState s, KvOp op, long at, List<KvResult> results) {
    var kv = s.view().kv();
    Optional<Indexed<KvEntry>> existing = kv.entry(op.key());
    switch (op) {
      case KvOp.Set set -> results.add(new KvResult(put(s, set.entry(), at), false));
      case KvOp.Cas cas -> {
        if (!casHolds(s, cas.key(), cas.index())) {
          return Optional.of("failed to set key \"" + cas.key() + "\", index is stale");
        }
        results.add(new KvResult(put(s, cas.entry(), at), false));
      }
      case KvOp.Get get -> {
        if (existing.isEmpty()) {
          return Optional.of("key \"" + get.key() + "\" doesn't exist");
        }
        results.add(new KvResult(existing.get(), true));
      }
      case KvOp.GetTree tree -> {
        for (Indexed<KvEntry> e : kv.under(tree.key())) {
          results.add(new KvResult(e, true));
        }
      }
      case KvOp.CheckIndex check -> {
        if (existing.isEmpty()) {
          return Optional.of("key \"" + check.key() + "\" doesn't exist");
        }
        if (existing.get().modifyIndex() != check.index()) {
          return Optional.of(
              "current modify index " + existing.get().modifyIndex() + " != " + check.index());
        }
        results.add(new KvResult(existing.get(), false));
      }
      case KvOp.CheckNotExists check -> {
        if (existing.isPresent()) {
          return Optional.of("key \"" + check.key() + "\" exists");
        }
      }
      case KvOp.Delete delete -> {
        if (existing.isPresent()) {
          s.removeKv(delete.key(), at);
        }
      }
      case KvOp.DeleteTree tree -> {
        for (Indexed<KvEntry> e : kv.under(tree.key())) {
          s.removeKv(e.value().key(), at);
        }
      }
      case KvOp.Lock lock -> {
        if (kv.session(lock.session()).isEmpty()) {
          return Optional.of("invalid session \"" + lock.session() + "\"");
        }
        Optional<String> refused =
            acquire(s, lock.entry(), lock.session(), at, System.currentTimeMillis());
        if (refused.isPresent()) {
          return refused;
        }
        results.add(new KvResult(s.view().kv().entry(lock.key()).orElseThrow(), false));
      }
      case KvOp.Unlock unlock -> {
        Optional<String> refused = release(s, unlock.entry(), unlock.session(), at);
        if (refused.isPresent()) {
          return refused;
        }
        results.add(new KvResult(s.view().kv().entry(unlock.key()).orElseThrow(), false));
      }
      case KvOp.CheckSession check -> {
        String current = existing.flatMap(e -> e.value().session()).orElse("");
        if (!current.equals(check.session())) {
          return Optional.of(
              "failed session check for key \""
                  + check.key()
                  + "\", current session \""
                  + current
                  + "\" != \""
                  + check.session()
                  + "\"");
        }
        existing.ifPresent(e -> results.add(new KvResult(e, false)));
      }
      case KvOp.DeleteCas delete -> {
        if (existing.isPresent()) {
          if (existing.get().modifyIndex() != delete.index()) {
            return Optional.of("failed to delete key \"" + delete.key() + "\", index is stale");
          }
          s.removeKv(delete.key(), at);
        }
      }
    }
    return Optional.empty();
  }

  /** Consul's check-and-set: 0 holds for an absent key, N for a key at modify index N. */
  private static boolean casHolds(WorkingState s, String key, long cas) {
    Optional<Indexed<KvEntry>> existing = s.view().kv().entry(key);
    return cas == 0 ? existing.isEmpty() : existing.map(e -> e.modifyIndex() == cas).orElse(false);
  }

  /** A plain write: the value and flags change; a lock on the key stays, as in Consul. */
  private static Indexed<KvEntry> put(WorkingState s, KvEntry entry, long at) {
    Indexed<KvEntry> next =
        s.view()
            .kv()
            .entry(entry.key())
            .map(e -> e.modified(e.value().withValue(entry.flags(), entry.value()), at))
            .orElseGet(() -> new Indexed<>(entry, at, at));
    s.putKv(next);
    return next;
  }
}
