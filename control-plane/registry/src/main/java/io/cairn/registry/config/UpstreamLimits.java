package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;
import java.util.Optional;

/**
 * Consul's upstream {@code Limits}: caps on one downstream's connections and requests to an
 * upstream cluster. Unset values keep the client's defaults.
 */
public record UpstreamLimits(
    Optional<Integer> maxConnections,
    Optional<Integer> maxPendingRequests,
    Optional<Integer> maxConcurrentRequests) {
  public UpstreamLimits {
    Problems p = new Problems();
    nonNegative(p, "maxConnections", maxConnections);
    nonNegative(p, "maxPendingRequests", maxPendingRequests);
    nonNegative(p, "maxConcurrentRequests", maxConcurrentRequests);
    p.throwIfAny();
  }

  static void nonNegative(Problems p, String field, Optional<Integer> value) {
    if (value == null) {
      p.add(field, "is required (may be empty)");
    } else if (value.isPresent() && value.get() < 0) {
      p.add(field, "must be >= 0, was " + value.get());
    }
  }

  public boolean isEmpty() {
    return maxConnections.isEmpty()
        && maxPendingRequests.isEmpty()
        && maxConcurrentRequests.isEmpty();
  }
}
