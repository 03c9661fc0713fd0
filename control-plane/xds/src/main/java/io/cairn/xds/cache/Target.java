package io.cairn.xds.cache;

import io.cairn.registry.chain.ChainTarget;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.xds.translate.ClusterNames;
import java.util.Objects;

/**
 * A cluster's worth of instances: a service, or one resolver subset of it ({@code subset} empty for
 * the whole service, or the resolver's default subset).
 */
public record Target(String service, String subset) implements Comparable<Target> {
  public Target {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(subset, "subset");
  }

  static Target of(ServiceTarget target, String owner) {
    return new Target(target.serviceOr(owner), target.serviceSubset());
  }

  static Target of(ChainTarget target) {
    return new Target(target.service(), target.subset());
  }

  public String clusterName() {
    return ClusterNames.of(new ServiceTarget(service, subset), service);
  }

  @Override
  public int compareTo(Target o) {
    int c = service.compareTo(o.service);
    return c != 0 ? c : subset.compareTo(o.subset);
  }
}
