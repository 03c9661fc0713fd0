package io.cairn.registry.chain;

import java.util.List;
import java.util.Objects;

/**
 * A resolver node: the target requests go to once redirects and the default subset are applied, and
 * the targets to fail over to, in order, when it has no healthy instance.
 */
public record ResolvedTarget(ChainTarget target, List<ChainTarget> failover)
    implements ChainDestination {
  public ResolvedTarget {
    Objects.requireNonNull(target, "target");
    failover = List.copyOf(failover);
    if (failover.contains(target)) {
      throw new IllegalArgumentException(target + " fails over to itself");
    }
  }

  public boolean hasFailover() {
    return !failover.isEmpty();
  }
}
