package io.cairn.registry.model;

import io.cairn.registry.validation.Problems;

/**
 * Relative traffic weights of an instance by health, as in Consul: {@code passing} applies while
 * every check passes, {@code warning} while the worst check warns (0 keeps warning instances out of
 * weighted answers). Capped at 65535 because DNS SRV weights are 16-bit.
 */
public record Weights(int passing, int warning) {
  public static final int MAX = 65535;
  public static final Weights DEFAULT = new Weights(1, 1);

  public Weights {
    Problems p = new Problems();
    p.check(passing >= 1 && passing <= MAX, "passing", "must be between 1 and " + MAX);
    p.check(warning >= 0 && warning <= MAX, "warning", "must be between 0 and " + MAX);
    p.throwIfAny();
  }

  /** The weight that applies in {@code status}; 0 for instances that take no traffic. */
  public int forStatus(HealthStatus status) {
    return switch (status) {
      case PASSING -> passing;
      case WARNING -> warning;
      case CRITICAL, MAINTENANCE -> 0;
    };
  }
}
