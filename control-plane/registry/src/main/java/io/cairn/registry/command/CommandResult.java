package io.cairn.registry.command;

import io.cairn.registry.kv.KvResult;
import java.util.List;

/**
 * What a command did.
 *
 * @param outcome applied, unchanged, or refused by check-and-set
 * @param index the command's own index when applied; otherwise the registry index it was judged at
 * @param entries what a KV transaction's operations returned, in order
 */
public record CommandResult(Outcome outcome, long index, List<KvResult> entries) {
  public CommandResult {
    java.util.Objects.requireNonNull(outcome, "outcome");
    entries = List.copyOf(entries);
  }

  public CommandResult(Outcome outcome, long index) {
    this(outcome, index, List.of());
  }

  /**
   * This result at the index its commit got: a shared store numbers a commit only once it is
   * written, so entries written after {@code base}, the index the commit was applied to, carry
   * {@code actual} instead.
   */
  public CommandResult atIndex(long base, long actual) {
    return new CommandResult(
        outcome, actual, entries.stream().map(e -> e.reindexed(base, actual)).toList());
  }

  public enum Outcome {
    /** State changed at {@link #index()}. */
    APPLIED,
    /** The command asked for what was already there; nothing was written. */
    UNCHANGED,
    /** A check-and-set condition did not hold; nothing was written. */
    CAS_FAILED
  }

  public boolean applied() {
    return outcome == Outcome.APPLIED;
  }
}
