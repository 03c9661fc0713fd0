package io.cairn.health;

/**
 * How the health checker runs.
 *
 * @param maxConcurrentProbes probes in flight at once; more wait for a slot (each is a virtual
 *     thread, so waiting costs no platform thread)
 */
public record HealthSettings(int maxConcurrentProbes) {
  public static final HealthSettings DEFAULTS = new HealthSettings(1024);

  public HealthSettings {
    if (maxConcurrentProbes < 1) {
      throw new IllegalArgumentException(
          "maxConcurrentProbes must be at least 1, was " + maxConcurrentProbes);
    }
  }
}
