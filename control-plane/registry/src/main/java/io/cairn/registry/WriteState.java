package io.cairn.registry;

import java.time.Instant;
import java.util.Objects;

/**
 * Whether the registry can take writes now. Reads always work: they serve the last published
 * snapshot, which is what a restart would restore.
 */
public sealed interface WriteState {
  /** Writes are taken. */
  record Writable() implements WriteState {}

  /**
   * Writes fail with {@link StoreUnavailableException} until the store is back; the registry
   * recovers by itself.
   *
   * @param reason what is wrong, for readiness and logs
   * @param since when writes started failing
   */
  record Unwritable(String reason, Instant since) implements WriteState {
    public Unwritable {
      Objects.requireNonNull(reason, "reason");
      Objects.requireNonNull(since, "since");
    }
  }

  /**
   * The writer stopped on an unexpected error and will not take writes again; only a restart of the
   * process recovers (the server exits so that its supervisor restarts it).
   */
  record Stopped(String reason) implements WriteState {
    public Stopped {
      Objects.requireNonNull(reason, "reason");
    }
  }

  WriteState WRITABLE = new Writable();

  /** Whether writes are taken. */
  default boolean writable() {
    return this instanceof Writable;
  }
}
