package io.cairn.registry.model;

import io.cairn.registry.validation.Problems;

/**
 * How many consecutive results it takes to change a check's status, as in Consul. Zero means "at
 * once".
 */
public record CheckThresholds(
    int successBeforePassing, int failuresBeforeWarning, int failuresBeforeCritical) {
  public static final CheckThresholds IMMEDIATE = new CheckThresholds(0, 0, 0);

  public CheckThresholds {
    Problems p = new Problems();
    p.check(successBeforePassing >= 0, "successBeforePassing", "must not be negative");
    p.check(failuresBeforeWarning >= 0, "failuresBeforeWarning", "must not be negative");
    p.check(failuresBeforeCritical >= 0, "failuresBeforeCritical", "must not be negative");
    if (failuresBeforeWarning > failuresBeforeCritical) {
      p.add(
          "failuresBeforeWarning",
          "must not exceed failuresBeforeCritical (" + failuresBeforeCritical + ")");
    }
    p.throwIfAny();
  }
}
