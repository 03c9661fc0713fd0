package io.cairn.xds.translate;

import static io.cairn.xds.pgv.ValidResources.validForGrpc;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.model.CheckDefinition;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.InstanceHealth;
import io.cairn.registry.model.Locality;
import io.cairn.registry.model.Maintenance;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.TtlCheck;
import io.cairn.registry.model.Weights;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.endpoint.v3.LocalityLbEndpoints;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EndpointTranslatorTest {
  private static final CheckDefinition TTL = new TtlCheck(Duration.ofSeconds(30));

  private static InstanceHealth instance(
      String id, String address, int port, HealthStatus status, Optional<Locality> locality) {
    ServiceInstance instance =
        ServiceInstance.builder(id, "api")
            .address(address)
            .port(port)
            .weights(new Weights(10, 2))
            .locality(locality)
            .build();
    HealthCheck check = HealthCheck.of("c-" + id, "ttl", id, TTL, status);
    return new InstanceHealth(
        new Indexed<>(instance, 1, 1), List.of(new Indexed<>(check, 2, 2)), Optional.empty());
  }

  private static List<String> addresses(ClusterLoadAssignment cla) {
    return cla.getEndpointsList().stream()
        .flatMap(l -> l.getLbEndpointsList().stream())
        .map(e -> e.getEndpoint().getAddress().getSocketAddress().getAddress())
        .toList();
  }

  @Test
  void healthyInstancesBecomeWeightedEndpointsGroupedByLocality() {
    Optional<Locality> east = Optional.of(new Locality("us-east", "a"));
    Optional<Locality> west = Optional.of(new Locality("us-west", "b"));
    ClusterLoadAssignment cla =
        validForGrpc(
            EndpointTranslator.translate(
                "api",
                List.of(
                    instance("w1", "10.0.0.3", 8080, HealthStatus.PASSING, west),
                    instance("e2", "10.0.0.2", 8080, HealthStatus.WARNING, east),
                    instance("e1", "10.0.0.1", 8080, HealthStatus.PASSING, east),
                    instance("x", "10.0.0.9", 8080, HealthStatus.CRITICAL, east)),
                false));

    assertThat(cla.getClusterName()).isEqualTo("api");
    assertThat(cla.getEndpointsList())
        .extracting(l -> l.getLocality().getRegion(), l -> l.getLoadBalancingWeight().getValue())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("us-east", 12),
            org.assertj.core.groups.Tuple.tuple("us-west", 10));
    LocalityLbEndpoints eastEndpoints = cla.getEndpoints(0);
    assertThat(eastEndpoints.getLbEndpointsList())
        .extracting(
            e -> e.getEndpoint().getAddress().getSocketAddress().getAddress(),
            e -> e.getLoadBalancingWeight().getValue(),
            LbEndpoint::getHealthStatus)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(
                "10.0.0.1", 10, io.envoyproxy.envoy.config.core.v3.HealthStatus.HEALTHY),
            org.assertj.core.groups.Tuple.tuple(
                "10.0.0.2", 2, io.envoyproxy.envoy.config.core.v3.HealthStatus.HEALTHY));
  }

  @Test
  void warningInstancesAreHealthyWeightedByTheirWarningWeightAsInConsul() {
    ClusterLoadAssignment cla =
        validForGrpc(
            EndpointTranslator.translate(
                "api",
                List.of(instance("w", "10.0.0.2", 80, HealthStatus.WARNING, Optional.empty())),
                false));
    LbEndpoint only = cla.getEndpoints(0).getLbEndpoints(0);
    assertThat(only.getHealthStatus())
        .as("gRPC drops DEGRADED endpoints; Envoy uses them only when healthy ones run out")
        .isEqualTo(io.envoyproxy.envoy.config.core.v3.HealthStatus.HEALTHY);
    assertThat(only.getLoadBalancingWeight().getValue()).isEqualTo(2);
  }

  /** grpc-java and Envoy reject a whole assignment for one endpoint that is not an IP address. */
  @Test
  void instancesRegisteredByHostnameAreLeftOutAndTheRestStillServe() {
    ClusterLoadAssignment cla =
        validForGrpc(
            EndpointTranslator.translate(
                "api",
                List.of(
                    instance("ip", "10.0.0.1", 80, HealthStatus.PASSING, Optional.empty()),
                    instance("v6", "fd00::1", 80, HealthStatus.PASSING, Optional.empty()),
                    instance("host", "api-3.internal", 80, HealthStatus.PASSING, Optional.empty())),
                false));
    assertThat(addresses(cla)).containsExactly("10.0.0.1", "fd00::1");
  }

  @Test
  void onlyPassingLeavesWarningOutAndMaintenanceIsAlwaysOut() {
    InstanceHealth maintained =
        new InstanceHealth(
            instance("m", "10.0.0.5", 80, HealthStatus.PASSING, Optional.empty()).instance(),
            List.of(),
            Optional.of(new Indexed<>(new Maintenance("m", "upgrade"), 3, 3)));
    ClusterLoadAssignment cla =
        validForGrpc(
            EndpointTranslator.translate(
                "api",
                List.of(
                    instance("p", "10.0.0.1", 80, HealthStatus.PASSING, Optional.empty()),
                    instance("w", "10.0.0.2", 80, HealthStatus.WARNING, Optional.empty()),
                    maintained),
                true));
    assertThat(addresses(cla)).containsExactly("10.0.0.1");
    assertThat(cla.getEndpoints(0).getLoadBalancingWeight().getValue())
        .as("a locality always has a weight, also without region and zone")
        .isEqualTo(10);
  }

  @Test
  void aClusterWithoutUsableInstancesGetsAnEmptyAssignment() {
    ClusterLoadAssignment cla =
        validForGrpc(
            EndpointTranslator.translate(
                "api",
                List.of(
                    instance("c", "10.0.0.1", 80, HealthStatus.CRITICAL, Optional.empty()),
                    instance("noport", "10.0.0.2", 0, HealthStatus.PASSING, Optional.empty())),
                false));
    assertThat(cla.getClusterName()).isEqualTo("api");
    assertThat(cla.getEndpointsList()).isEmpty();
  }

  @Test
  void theSameInstancesInAnyOrderGiveTheSameBytes() {
    List<InstanceHealth> a =
        List.of(
            instance("1", "10.0.0.1", 80, HealthStatus.PASSING, Optional.empty()),
            instance("2", "10.0.0.2", 80, HealthStatus.PASSING, Optional.empty()));
    assertThat(validForGrpc(EndpointTranslator.translate("api", a, false)).toByteString())
        .isEqualTo(
            validForGrpc(EndpointTranslator.translate("api", a.reversed(), false)).toByteString());
  }

  /** Priority by locality name, e.g. {@code "r1/a" -> 0}. */
  private static java.util.Map<String, Integer> priorities(ClusterLoadAssignment cla) {
    java.util.Map<String, Integer> out = new java.util.TreeMap<>();
    cla.getEndpointsList()
        .forEach(
            l ->
                out.put(
                    l.getLocality().getRegion() + "/" + l.getLocality().getZone(),
                    l.getPriority()));
    return out;
  }

  @Test
  void prioritizedByLocalityTheCallersZoneComesFirstThenItsRegionThenTheRest() {
    ClusterLoadAssignment all =
        EndpointTranslator.translate(
            "api",
            List.of(
                instance("a", "10.0.0.1", 80, HealthStatus.PASSING, locality("r1", "a")),
                instance("b", "10.0.0.2", 80, HealthStatus.PASSING, locality("r1", "b")),
                instance("c", "10.0.0.3", 80, HealthStatus.PASSING, locality("r2", "a")),
                instance("n", "10.0.0.4", 80, HealthStatus.PASSING, Optional.empty())),
            false);

    ClusterLoadAssignment inA =
        validForGrpc(EndpointTranslator.prioritized(all, new Locality("r1", "a")));
    assertThat(priorities(inA))
        .containsExactly(entry("/", 2), entry("r1/a", 0), entry("r1/b", 1), entry("r2/a", 2));
    assertThat(inA.getPolicy().getOverprovisioningFactor().getValue())
        .isEqualTo(EndpointTranslator.ALL_TO_NEAREST);
    // The same assignment for a client in another zone: its own zone first.
    assertThat(
            priorities(validForGrpc(EndpointTranslator.prioritized(all, new Locality("r1", "b")))))
        .containsExactly(entry("/", 2), entry("r1/a", 1), entry("r1/b", 0), entry("r2/a", 2));
    // A region with no instance of the service: no gap, everything else is priority 0.
    ClusterLoadAssignment far =
        validForGrpc(EndpointTranslator.prioritized(all, new Locality("r9", "z")));
    assertThat(priorities(far)).containsOnlyKeys("/", "r1/a", "r1/b", "r2/a").containsValue(0);
    assertThat(far.getEndpointsList()).allMatch(l -> l.getPriority() == 0);
    assertThat(far.hasPolicy()).isFalse();
  }

  @Test
  void prioritizedByLocalityLeavesNoGapWhenTheCallersZoneHasNoHealthyInstance() {
    ClusterLoadAssignment all =
        EndpointTranslator.translate(
            "api",
            List.of(
                instance("a", "10.0.0.1", 80, HealthStatus.CRITICAL, locality("r1", "a")),
                instance("b", "10.0.0.2", 80, HealthStatus.PASSING, locality("r1", "b")),
                instance("c", "10.0.0.3", 80, HealthStatus.PASSING, locality("r2", "c"))),
            false);
    ClusterLoadAssignment inA =
        validForGrpc(EndpointTranslator.prioritized(all, new Locality("r1", "a")));
    assertThat(priorities(inA)).containsExactly(entry("r1/b", 0), entry("r2/c", 1));
    assertThat(addresses(inA)).containsExactlyInAnyOrder("10.0.0.2", "10.0.0.3");
    // Nothing but other regions: one priority.
    ClusterLoadAssignment other =
        EndpointTranslator.translate(
            "api",
            List.of(instance("c", "10.0.0.3", 80, HealthStatus.PASSING, locality("r2", "c"))),
            false);
    assertThat(
            priorities(
                validForGrpc(EndpointTranslator.prioritized(other, new Locality("r1", "a")))))
        .containsExactly(entry("r2/c", 0));
    // An empty assignment stays valid and empty.
    ClusterLoadAssignment none = EndpointTranslator.translate("api", List.of(), false);
    assertThat(validForGrpc(EndpointTranslator.prioritized(none, new Locality("r1", "a"))))
        .isEqualTo(none);
  }

  private static Optional<Locality> locality(String region, String zone) {
    return Optional.of(new Locality(region, zone));
  }

  private static java.util.Map.Entry<String, Integer> entry(String k, int v) {
    return java.util.Map.entry(k, v);
  }
}
