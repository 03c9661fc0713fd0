package io.cairn.health;

import io.cairn.registry.model.CheckThresholds;
import io.cairn.registry.model.HealthStatus;
import java.util.Optional;

/**
 * Consecutive-result counting for one check, with Consul's rules: a passing or warning result
 * counts as a success and takes effect after {@code successBeforePassing} of them; a critical
 * result takes effect after {@code failuresBeforeCritical}, and shows as warning from {@code
 * failuresBeforeWarning} until then. Not thread-safe: the scheduler's thread owns it.
 */
final class StatusThresholds {
  private final CheckThresholds thresholds;
  private int successes;
  private int failures;

  StatusThresholds(CheckThresholds thresholds) {
    this.thresholds = thresholds;
  }

  /** Counts {@code result}; returns the status the check should now have, if the count decides. */
  Optional<HealthStatus> record(HealthStatus result) {
    if (result == HealthStatus.PASSING || result == HealthStatus.WARNING) {
      successes = saturatedIncrement(successes);
      failures = 0;
      return successes >= thresholds.successBeforePassing()
          ? Optional.of(result)
          : Optional.empty();
    }
    failures = saturatedIncrement(failures);
    successes = 0;
    if (failures >= thresholds.failuresBeforeCritical()) {
      return Optional.of(HealthStatus.CRITICAL);
    }
    if (failures >= thresholds.failuresBeforeWarning()) {
      return Optional.of(HealthStatus.WARNING);
    }
    return Optional.empty();
  }

  private static int saturatedIncrement(int n) {
    return n == Integer.MAX_VALUE ? n : n + 1;
  }
}
