package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;

/**
 * Consul's {@code LoadBalancer.LeastRequestConfig}: how many random hosts a least-request pick
 * compares (Envoy's {@code choice_count}, at least 2; gRPC caps it at 10).
 */
public record LeastRequestConfig(int choiceCount) {
  public LeastRequestConfig {
    Problems p = new Problems();
    if (choiceCount < 2) {
      p.add("choiceCount", "must be at least 2, was " + choiceCount);
    }
    p.throwIfAny();
  }
}
