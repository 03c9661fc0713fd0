package io.cairn.registry.chain;

import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;

/**
 * How calls to {@code service} are routed: its router's routes in order, then the catch-all.
 *
 * @param reads every service whose router, splitter or resolver the compiler looked up (present or
 *     not): a change to any of their entries can change this chain
 */
public record CompiledChain(
    String service, List<ChainRoute> routes, ChainDestination fallback, Set<String> reads) {
  public CompiledChain {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(fallback, "fallback");
    routes = List.copyOf(routes);
    reads = Set.copyOf(reads);
  }

  /** Every target the chain can send to, failover targets included, ordered. */
  public Set<ChainTarget> targets() {
    Set<ChainTarget> out = new TreeSet<>();
    routes.forEach(r -> collect(r.destination(), out));
    collect(fallback, out);
    return out;
  }

  /** Every resolver node the chain can send to. */
  public Set<ResolvedTarget> resolved() {
    Set<ResolvedTarget> out = new LinkedHashSet<>();
    routes.forEach(r -> resolved(r.destination(), out));
    resolved(fallback, out);
    return out;
  }

  private static void resolved(ChainDestination d, Set<ResolvedTarget> out) {
    switch (d) {
      case ResolvedTarget r -> out.add(r);
      case WeightedSplits s -> s.shares().forEach(sh -> out.add(sh.to()));
    }
  }

  private static void collect(ChainDestination d, Set<ChainTarget> out) {
    Set<ResolvedTarget> nodes = new LinkedHashSet<>();
    resolved(d, nodes);
    for (ResolvedTarget r : nodes) {
      out.add(r.target());
      out.addAll(r.failover());
    }
  }
}
