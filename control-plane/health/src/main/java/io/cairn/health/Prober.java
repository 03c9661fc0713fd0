package io.cairn.health;

import io.cairn.registry.model.ProbeCheck;

/**
 * Runs one probe. Called on a virtual thread, so it may block up to the check's timeout; it reports
 * failures as a critical result and never throws.
 */
public interface Prober extends AutoCloseable {

  ProbeResult probe(ProbeCheck check);

  /** The scheduler will run {@code check} from now on; a prober may keep a connection for it. */
  default void track(ProbeCheck check) {}

  /** The scheduler no longer runs {@code check}; what {@link #track} kept for it may go. */
  default void forget(ProbeCheck check) {}

  @Override
  default void close() {}
}
