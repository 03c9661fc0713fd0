package io.cairn.xds.server;

import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** The system clock, plus however far a test has moved it on. */
final class MovableClock extends Clock {
  private volatile Duration ahead = Duration.ZERO;

  /** From now on, reads {@code at} plus the time since. */
  void moveTo(Instant at) {
    ahead = Duration.between(Instant.now(), at);
  }

  @Override
  public Instant instant() {
    return Instant.now().plus(ahead);
  }

  @Override
  public ZoneId getZone() {
    return ZoneOffset.UTC;
  }

  @Override
  public Clock withZone(ZoneId zone) {
    return this;
  }
}
