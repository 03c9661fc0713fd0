package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;
import java.time.Duration;
import java.util.Optional;

/**
 * Consul's upstream {@code PassiveHealthCheck}: eject an upstream instance that failed {@code
 * maxFailures} times in a row, checked every {@code interval}. Unset values keep the client's
 * defaults.
 *
 * @param enforcingConsecutive5xx percent chance an instance detected this way is ejected
 * @param maxEjectionPercent most instances of the upstream ejected at once, in percent
 */
public record PassiveHealthCheck(
    Optional<Duration> interval,
    Optional<Integer> maxFailures,
    Optional<Integer> enforcingConsecutive5xx,
    Optional<Integer> maxEjectionPercent,
    Optional<Duration> baseEjectionTime) {
  public PassiveHealthCheck {
    Problems p = new Problems();
    positiveDuration(p, "interval", interval);
    UpstreamLimits.nonNegative(p, "maxFailures", maxFailures);
    percent(p, "enforcingConsecutive5xx", enforcingConsecutive5xx);
    percent(p, "maxEjectionPercent", maxEjectionPercent);
    positiveDuration(p, "baseEjectionTime", baseEjectionTime);
    p.throwIfAny();
  }

  private static void percent(Problems p, String field, Optional<Integer> value) {
    UpstreamLimits.nonNegative(p, field, value);
    if (value != null && value.isPresent() && value.get() > 100) {
      p.add(field, "must be a percentage between 0 and 100, was " + value.get());
    }
  }

  private static void positiveDuration(Problems p, String field, Optional<Duration> value) {
    if (value == null) {
      p.add(field, "is required (may be empty)");
    } else if (value.isPresent() && (value.get().isNegative() || value.get().isZero())) {
      p.add(field, "must be positive, was " + value.get());
    }
  }
}
