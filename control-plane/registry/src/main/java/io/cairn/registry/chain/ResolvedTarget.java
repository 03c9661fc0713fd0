package io.cairn.registry.chain;

import io.cairn.registry.config.HashPolicy;
import java.util.List;
import java.util.Objects;

/**
 * A resolver node: the target requests go to once redirects and the default subset are applied, and
 * the targets to fail over to, in order, when it has no healthy instance, and what its resolver's
 * hash-based balancer hashes (none unless the resolver sets a ring-hash or Maglev policy).
 */
public record ResolvedTarget(
    ChainTarget target, List<ChainTarget> failover, List<HashPolicy> hashPolicies)
    implements ChainDestination {
  public ResolvedTarget {
    Objects.requireNonNull(target, "target");
    failover = List.copyOf(failover);
    hashPolicies = List.copyOf(hashPolicies);
    if (failover.contains(target)) {
      throw new IllegalArgumentException(target + " fails over to itself");
    }
  }

  /** Without hash policies. */
  public ResolvedTarget(ChainTarget target, List<ChainTarget> failover) {
    this(target, failover, List.of());
  }

  public boolean hasFailover() {
    return !failover.isEmpty();
  }
}
