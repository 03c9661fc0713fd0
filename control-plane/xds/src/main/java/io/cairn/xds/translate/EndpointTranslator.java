package io.cairn.xds.translate;

import com.google.protobuf.UInt32Value;
import io.cairn.registry.model.InstanceHealth;
import io.cairn.registry.model.Locality;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.validation.NetworkAddresses;
import io.envoyproxy.envoy.config.core.v3.HealthStatus;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.Endpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * EDS: the instances of one cluster become a {@link ClusterLoadAssignment}. Only instances fit for
 * traffic are included (passing, and warning unless the cluster wants passing only), all HEALTHY,
 * weighted by their {@code Weights} for that status (as Consul does) and grouped by locality. Every
 * locality carries a weight (the sum of its endpoints'), because gRPC clients drop localities
 * without one. A cluster with no usable instance gets an assignment with no endpoints, which Envoy
 * needs to finish warming. Instances registered by hostname are left out: EDS takes IP addresses
 * only (DNS still answers them).
 */
public final class EndpointTranslator {
  /** A locality as a map key; instances without one share the empty key. */
  private record Zone(String region, String zone) implements Comparable<Zone> {
    static Zone of(Optional<Locality> locality) {
      return locality.map(l -> new Zone(l.region(), l.zone())).orElse(new Zone("", ""));
    }

    @Override
    public int compareTo(Zone o) {
      int c = region.compareTo(o.region);
      return c != 0 ? c : zone.compareTo(o.zone);
    }
  }

  private EndpointTranslator() {}

  /**
   * @param clusterName the EDS cluster name (also the assignment's name)
   * @param instances candidates, in any order; the result is ordered and so deterministic
   * @param onlyPassing leave out instances whose status is warning
   */
  public static ClusterLoadAssignment translate(
      String clusterName, Collection<InstanceHealth> instances, boolean onlyPassing) {
    Map<Zone, List<LbEndpoint>> byLocality = new TreeMap<>();
    instances.stream()
        .sorted(Comparator.comparing(h -> h.value().id()))
        .forEach(
            health -> {
              io.cairn.registry.model.HealthStatus status = health.status();
              ServiceInstance instance = health.value();
              boolean usable =
                  status == io.cairn.registry.model.HealthStatus.PASSING
                      || (status == io.cairn.registry.model.HealthStatus.WARNING && !onlyPassing);
              // A warning weight of 0 means "no traffic while warning", as in Consul's DNS.
              boolean weighted =
                  status != io.cairn.registry.model.HealthStatus.WARNING
                      || instance.weights().warning() > 0;
              // EDS addresses must be IP literals: Envoy and grpc-java reject the whole
              // assignment for one hostname, which would cut off every other instance too.
              if (!usable
                  || !weighted
                  || instance.port() == 0
                  || !NetworkAddresses.isIpLiteral(instance.address())) {
                return;
              }
              byLocality
                  .computeIfAbsent(Zone.of(instance.locality()), l -> new ArrayList<>())
                  .add(endpoint(instance, status));
            });
    ClusterLoadAssignment.Builder cla =
        ClusterLoadAssignment.newBuilder().setClusterName(clusterName);
    byLocality.forEach(
        (locality, endpoints) -> {
          int weight =
              endpoints.stream().mapToInt(e -> e.getLoadBalancingWeight().getValue()).sum();
          cla.addEndpoints(
              LocalityLbEndpoints.newBuilder()
                  .setLocality(
                      io.envoyproxy.envoy.config.core.v3.Locality.newBuilder()
                          .setRegion(locality.region())
                          .setZone(locality.zone()))
                  .setLoadBalancingWeight(UInt32Value.of(weight))
                  .addAllLbEndpoints(endpoints));
        });
    return cla.build();
  }

  /** Envoy's overprovisioning factor that keeps all traffic on a priority with any healthy host. */
  static final int ALL_TO_NEAREST = 100_000;

  /**
   * {@code assignment} as a client in {@code caller} sees it under a resolver's {@code
   * PrioritizeByLocality}: its own locality (region and zone) first, then the rest of its region,
   * then everything else (other regions, and instances without a locality). Only priorities that
   * have endpoints are used, numbered from 0 without gaps (Envoy and gRPC refuse gaps). With more
   * than one, the overprovisioning factor is set so high that Envoy sends every request to the
   * nearest priority while it has a healthy host, as Consul does; gRPC moves on only when a
   * priority cannot connect at all. Unhealthy instances are not in the assignment, so a locality
   * whose instances all fail their checks drops out and the next one becomes priority 0.
   */
  public static ClusterLoadAssignment prioritized(
      ClusterLoadAssignment assignment, Locality caller) {
    int[] tiers = new int[assignment.getEndpointsCount()];
    boolean[] used = new boolean[3];
    for (int i = 0; i < tiers.length; i++) {
      io.envoyproxy.envoy.config.core.v3.Locality l = assignment.getEndpoints(i).getLocality();
      boolean region = l.getRegion().equals(caller.region());
      tiers[i] = region && l.getZone().equals(caller.zone()) ? 0 : region ? 1 : 2;
      used[tiers[i]] = true;
    }
    int[] priority = new int[3];
    int next = 0;
    for (int t = 0; t < 3; t++) {
      priority[t] = used[t] ? next++ : -1;
    }
    ClusterLoadAssignment.Builder out = assignment.toBuilder();
    for (int i = 0; i < tiers.length; i++) {
      out.getEndpointsBuilder(i).setPriority(priority[tiers[i]]);
    }
    if (next > 1) {
      out.getPolicyBuilder().setOverprovisioningFactor(UInt32Value.of(ALL_TO_NEAREST));
    }
    return out.build();
  }

  private static LbEndpoint endpoint(
      ServiceInstance instance, io.cairn.registry.model.HealthStatus status) {
    boolean warning = status == io.cairn.registry.model.HealthStatus.WARNING;
    int weight = warning ? instance.weights().warning() : instance.weights().passing();
    return LbEndpoint.newBuilder()
        .setEndpoint(
            Endpoint.newBuilder()
                .setAddress(ClusterTranslator.socket(instance.address(), instance.port())))
        // Consul's choice: warning is HEALTHY with its own weight. DEGRADED would starve it (gRPC
        // drops such endpoints; Envoy uses them only once healthy hosts run out).
        .setHealthStatus(HealthStatus.HEALTHY)
        .setLoadBalancingWeight(UInt32Value.of(weight))
        .build();
  }
}
