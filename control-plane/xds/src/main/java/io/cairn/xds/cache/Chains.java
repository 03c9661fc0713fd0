package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.chain.ChainCompiler;
import io.cairn.registry.chain.ChainException;
import io.cairn.registry.chain.ChainTarget;
import io.cairn.registry.chain.CompiledChain;
import io.cairn.registry.chain.ResolvedTarget;
import io.cairn.registry.model.Indexed;
import io.cairn.xds.translate.FailoverClusterTranslator;
import io.cairn.xds.translate.RouteClient;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;

/** Services' discovery chains compiled from a snapshot, and the clusters a chain needs. */
final class Chains {
  private Chains() {}

  /**
   * The chain of {@code service}. Writes that make a chain fail to compile are refused, so only
   * entries stored before that check existed can fail: they fall back to the service itself.
   */
  static CompiledChain of(RegistrySnapshot snapshot, String service) {
    try {
      return ChainCompiler.compile(
          service, (kind, name) -> snapshot.configEntry(kind, name).map(Indexed::value));
    } catch (ChainException e) {
      return new CompiledChain(
          service,
          List.of(),
          new ResolvedTarget(new ChainTarget(service, ""), List.of()),
          e.reads());
    }
  }

  /**
   * The EDS clusters the chain sends to, failover targets included, and the service's own cluster
   * (a wildcard CDS subscriber or an operator may name it even when no route leads there).
   */
  static Set<Target> targets(CompiledChain chain) {
    Set<Target> out = new TreeSet<>();
    out.add(new Target(chain.service(), ""));
    chain.targets().forEach(t -> out.add(Target.of(t)));
    return out;
  }

  /** The resolver nodes with failover. */
  static Set<ResolvedTarget> failover(CompiledChain chain) {
    Set<ResolvedTarget> out = new LinkedHashSet<>();
    chain.resolved().stream().filter(ResolvedTarget::hasFailover).forEach(out::add);
    return out;
  }

  /** The aggregate cluster of each resolver node with failover, listing every target. */
  static List<Cluster> failoverClusters(CompiledChain chain, RouteClient client) {
    List<Cluster> out = new ArrayList<>();
    for (ResolvedTarget node : chain.resolved()) {
      if (node.hasFailover()) {
        out.add(FailoverClusterTranslator.aggregate(node, client));
      }
    }
    return out;
  }
}
