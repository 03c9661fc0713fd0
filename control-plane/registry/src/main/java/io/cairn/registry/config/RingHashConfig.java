package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;
import java.util.Optional;

/**
 * Consul's {@code LoadBalancer.RingHashConfig}: the bounds of a ring hash's ring. Unset bounds keep
 * the client's defaults (Envoy: 1,024 and 8,388,608; gRPC caps the maximum at 4,096).
 */
public record RingHashConfig(Optional<Long> minimumRingSize, Optional<Long> maximumRingSize) {
  /** Envoy's limit for both bounds (its PGV rule). */
  public static final long MAX_RING_SIZE = 8_388_608;

  public RingHashConfig {
    Problems p = new Problems();
    bounded(p, "minimumRingSize", minimumRingSize);
    bounded(p, "maximumRingSize", maximumRingSize);
    p.throwIfAny();
    if (minimumRingSize.isPresent()
        && maximumRingSize.isPresent()
        && minimumRingSize.get() > maximumRingSize.get()) {
      p.add(
          "minimumRingSize",
          "must not be above maximumRingSize ("
              + minimumRingSize.get()
              + " > "
              + maximumRingSize.get()
              + ")");
    }
    p.throwIfAny();
  }

  private static void bounded(Problems p, String field, Optional<Long> value) {
    if (value == null) {
      p.add(field, "is required (may be empty)");
    } else if (value.isPresent() && (value.get() < 1 || value.get() > MAX_RING_SIZE)) {
      p.add(field, "must be 1 to " + MAX_RING_SIZE + ", was " + value.get());
    }
  }
}
