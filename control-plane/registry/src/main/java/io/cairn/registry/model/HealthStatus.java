package io.cairn.registry.model;

import java.util.Locale;
import java.util.Optional;

/** Health of a check or an instance, from best to worst. */
public enum HealthStatus {
  PASSING,
  WARNING,
  CRITICAL,
  /** Set by an operator; overrides every check and takes the instance out of traffic. */
  MAINTENANCE;

  /** The lower-case name Consul uses on the wire. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<HealthStatus> parse(String value) {
    for (HealthStatus s : values()) {
      if (s.wireName().equalsIgnoreCase(value)) {
        return Optional.of(s);
      }
    }
    return Optional.empty();
  }

  /** The worse of the two, so an instance is as healthy as its least healthy check. */
  public HealthStatus worst(HealthStatus other) {
    return compareTo(other) >= 0 ? this : other;
  }
}
