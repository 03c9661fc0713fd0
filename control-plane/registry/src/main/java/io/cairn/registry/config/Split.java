package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;

/**
 * A share of a service's traffic sent to {@code target}.
 *
 * @param weight percentage, 0 to 100 with at most two decimals
 */
public record Split(double weight, ServiceTarget target) {
  public Split {
    Problems p = new Problems();
    if (!(weight >= 0 && weight <= 100)) {
      p.add("weight", "must be between 0 and 100, was " + weight);
    } else if (Math.abs(weight * 100 - Math.rint(weight * 100)) > 1e-6) {
      p.add("weight", "may have at most two decimals, was " + weight);
    }
    if (target == null) {
      p.add("target", "is required");
    }
    p.throwIfAny();
  }

  /** The weight in hundredths of a percent (0..10000), exact for two decimals. */
  public int basisPoints() {
    return (int) Math.rint(weight * 100);
  }
}
