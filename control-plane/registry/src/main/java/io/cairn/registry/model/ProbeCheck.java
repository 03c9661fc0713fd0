package io.cairn.registry.model;

import io.cairn.registry.validation.Problems;
import java.time.Duration;

/** A check Cairn runs itself every {@link #interval()}, giving up after {@link #timeout()}. */
public sealed interface ProbeCheck extends CheckDefinition permits HttpCheck, TcpCheck, GrpcCheck {
  /** Shortest interval accepted; shorter ones would turn health checking into load. */
  Duration MIN_INTERVAL = Duration.ofMillis(100);

  Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

  /**
   * Longest timeout accepted. A probe holds one of the checker's bounded probe slots until it times
   * out, so unbounded timeouts against unresponsive targets could take them all; and a target that
   * needs longer than this to answer is not one a health check can vouch for.
   */
  Duration MAX_TIMEOUT = Duration.ofMinutes(5);

  Duration interval();

  Duration timeout();

  /** Shared rules for interval and timeout. */
  static void checkTiming(Problems p, Duration interval, Duration timeout) {
    if (interval == null) {
      p.add("interval", "is required");
    } else if (interval.compareTo(MIN_INTERVAL) < 0) {
      p.add("interval", "must be at least " + MIN_INTERVAL.toMillis() + "ms, was " + interval);
    }
    if (timeout == null) {
      p.add("timeout", "is required");
    } else if (timeout.isNegative() || timeout.isZero()) {
      p.add("timeout", "must be positive, was " + timeout);
    } else if (timeout.compareTo(MAX_TIMEOUT) > 0) {
      p.add("timeout", "must be at most " + MAX_TIMEOUT.toMinutes() + "m, was " + timeout);
    }
  }
}
