package io.cairn.registry.command;

/**
 * What a command did.
 *
 * @param outcome applied, unchanged, or refused by check-and-set
 * @param index the command's own index when applied; otherwise the registry index it was judged at
 */
public record CommandResult(Outcome outcome, long index) {
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
