package io.cairn.registry.config;

import java.util.Locale;
import java.util.Optional;

/** Envoy load-balancing policies a resolver may choose, with Consul's names. */
public enum LoadBalancerPolicy {
  ROUND_ROBIN,
  LEAST_REQUEST,
  RANDOM,
  RING_HASH,
  MAGLEV;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether the policy picks an endpoint by a request's hash (hash policies apply). */
  public boolean hashBased() {
    return this == RING_HASH || this == MAGLEV;
  }

  public static Optional<LoadBalancerPolicy> parse(String value) {
    for (LoadBalancerPolicy p : values()) {
      if (p.wireName().equalsIgnoreCase(value)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
