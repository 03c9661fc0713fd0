package io.cairn.xds.cache;

import static io.cairn.xds.pgv.ValidResources.valid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.command.Command;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.PassiveHealthCheck;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ResolverSubset;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.UpstreamConfig;
import io.cairn.registry.config.UpstreamLimits;
import io.cairn.registry.config.UpstreamSettings;
import io.cairn.registry.model.Locality;
import io.cairn.registry.model.ServiceInstance;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** Proxyless clients naming their service get its UpstreamConfig on their clusters, and only so. */
class DownstreamSnapshotsTest {
  private final Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
  private final ProxylessSnapshots proxyless = new ProxylessSnapshots();
  private final DownstreamSnapshots downstream = new DownstreamSnapshots();
  private ContentSnapshot shared;

  @AfterEach
  void close() {
    registry.close();
  }

  private static Command instance(String id, String service, String address) {
    return RegisterInstance.of(
        ServiceInstance.builder(id, service).address(address).port(8080).build());
  }

  static UpstreamConfig config(int maxRequests) {
    PassiveHealthCheck check =
        new PassiveHealthCheck(
            Optional.of(Duration.ofSeconds(1)),
            Optional.of(2),
            Optional.empty(),
            Optional.empty(),
            Optional.of(Duration.ofSeconds(30)));
    return new UpstreamConfig(
        new UpstreamSettings(Optional.empty(), Optional.empty(), Optional.of(check)),
        Map.of(
            "api",
            new UpstreamSettings(
                Optional.of(Duration.ofMillis(700)),
                Optional.of(
                    new UpstreamLimits(
                        Optional.empty(), Optional.empty(), Optional.of(maxRequests))),
                Optional.empty())));
  }

  /** Applies {@code command}, publishes as XdsServer does, and checks against a fresh build. */
  private Map<String, ContentSnapshot> step(Command command, String... changed) {
    registry.apply(command);
    shared = proxyless.update(registry.snapshot(), Set.of(changed));
    Map<String, ContentSnapshot> out = new java.util.HashMap<>();
    downstream.update(registry.snapshot(), shared).forEach((k, v) -> out.put(k.name(), v));
    DownstreamSnapshots fresh = new DownstreamSnapshots();
    ContentSnapshot full = ProxylessSnapshots.build(registry.snapshot());
    fresh.update(registry.snapshot(), full);
    out.forEach(
        (service, s) ->
            assertThat(SnapshotVersions.of(valid(s)))
                .as(service + " after " + command)
                .isEqualTo(
                    SnapshotVersions.of(fresh.track(registry.snapshot(), full, key(service)))));
    return out;
  }

  /** A group by {@link DownstreamKey#name}: a service, then {@code @<length>:region/zone}. */
  private static DownstreamKey key(String name) {
    int at = name.indexOf('@');
    if (at < 0) {
      return new DownstreamKey(name, Optional.empty());
    }
    String rest = name.substring(name.indexOf(':', at) + 1);
    int length = Integer.parseInt(name.substring(at + 1, name.indexOf(':', at)));
    return new DownstreamKey(
        name.substring(0, at),
        Optional.of(new Locality(rest.substring(0, length), rest.substring(length + 1))));
  }

  private static Cluster cluster(ContentSnapshot s, String name) {
    return s.clusters().resources().get(name);
  }

  @Test
  void theNamedServicesUpstreamConfigAppliesToItsClustersOnly() {
    registry.apply(instance("api-1", "api", "10.0.0.1"));
    registry.apply(instance("db-1", "db", "10.0.2.1"));
    shared = proxyless.rebuild(registry.snapshot());
    downstream.update(registry.snapshot(), shared);
    assertThat(downstream.track(registry.snapshot(), shared, key("web"))).isSameAs(shared);
    assertThat(downstream.track(registry.snapshot(), shared, key("batch"))).isSameAs(shared);

    Map<String, ContentSnapshot> s =
        step(
            PutConfigEntry.of(new ServiceDefaults("web", Protocol.GRPC, config(1), Map.of())),
            "web");
    Cluster api = cluster(s.get("web"), "api");
    assertThat(api.getCircuitBreakers().getThresholds(0).getMaxRequests().getValue()).isEqualTo(1);
    assertThat(api.getConnectTimeout().getNanos()).isEqualTo(700_000_000);
    assertThat(api.getOutlierDetection().getFailurePercentageRequestVolume().getValue())
        .isEqualTo(2);
    Cluster db = cluster(s.get("web"), "db");
    assertThat(db.hasCircuitBreakers()).isFalse();
    assertThat(db.getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(2);
    // Everything but the clusters is shared, and a service without UpstreamConfig gets it all.
    assertThat(s.get("web").listeners().versionedResources())
        .isSameAs(shared.listeners().versionedResources());
    assertThat(s.get("web").endpoints().versionedResources())
        .isSameAs(shared.endpoints().versionedResources());
    assertThat(s.get("batch")).isSameAs(shared);
    assertThat(cluster(shared, "api").hasCircuitBreakers()).isFalse();

    // A new endpoint leaves the cluster, and so its overlay, as it was.
    String before = s.get("web").clusters().versionedResources().get("api").version();
    s = step(instance("api-2", "api", "10.0.0.2"), "api");
    assertThat(s.get("web").clusters().versionedResources().get("api").version()).isEqualTo(before);
    // A resolver subset is a new cluster of api: it gets api's override too.
    s =
        step(
            PutConfigEntry.of(
                ServiceResolver.builder("api")
                    .subsets(Map.of("v1", new ResolverSubset("", false)))
                    .build()),
            "api");
    s = step(instance("api-3", "api", "10.0.0.3"), "api");
    assertThat(s.get("web").clusters().resources()).containsKey("api");
    // A changed UpstreamConfig re-applies to every cluster.
    s =
        step(
            PutConfigEntry.of(new ServiceDefaults("web", Protocol.GRPC, config(7), Map.of())),
            "web");
    assertThat(
            cluster(s.get("web"), "api")
                .getCircuitBreakers()
                .getThresholds(0)
                .getMaxRequests()
                .getValue())
        .isEqualTo(7);
    s = step(PutConfigEntry.of(new ServiceDefaults("web", Protocol.GRPC, Map.of())), "web");
    assertThat(s.get("web")).isSameAs(shared);
    downstream.forget(key("web"));
    assertThat(downstream.update(registry.snapshot(), shared)).containsOnlyKeys(key("batch"));
  }

  private static Command located(String id, String service, String address, String zone) {
    return RegisterInstance.of(
        ServiceInstance.builder(id, service)
            .address(address)
            .port(8080)
            .locality(Optional.of(new Locality("eu", zone)))
            .build());
  }

  private static ServiceResolver prioritizing(String service, boolean on) {
    return ServiceResolver.builder(service).prioritizeByLocality(on).build();
  }

  /** Priority of each zone of {@code cluster}'s endpoints in {@code s}. */
  private static Map<String, Integer> priorities(ContentSnapshot s, String cluster) {
    Map<String, Integer> out = new java.util.TreeMap<>();
    s.endpoints()
        .resources()
        .get(cluster)
        .getEndpointsList()
        .forEach(l -> out.put(l.getLocality().getZone(), l.getPriority()));
    return out;
  }

  @Test
  void locatedClientsGetTheEndpointsOfPrioritizingResolversOrderedForTheirZone() {
    registry.apply(located("api-a", "api", "10.0.0.1", "a"));
    registry.apply(located("api-b", "api", "10.0.0.2", "b"));
    registry.apply(located("db-a", "db", "10.0.2.1", "a"));
    registry.apply(located("db-b", "db", "10.0.2.2", "b"));
    shared = proxyless.rebuild(registry.snapshot());
    downstream.update(registry.snapshot(), shared);
    DownstreamKey inA = new DownstreamKey("", Optional.of(new Locality("eu", "a")));
    DownstreamKey webInB = new DownstreamKey("web", Optional.of(new Locality("eu", "b")));
    // No resolver asks for it: every located group is served the shared snapshot itself.
    assertThat(downstream.track(registry.snapshot(), shared, inA)).isSameAs(shared);
    assertThat(downstream.track(registry.snapshot(), shared, webInB)).isSameAs(shared);

    Map<String, ContentSnapshot> s = step(PutConfigEntry.of(prioritizing("api", true)), "api");
    assertThat(priorities(s.get(inA.name()), "api")).containsExactly(entry("a", 0), entry("b", 1));
    assertThat(priorities(s.get(webInB.name()), "api"))
        .containsExactly(entry("a", 1), entry("b", 0));
    // Only the prioritizing service's endpoints differ from the shared ones.
    assertThat(s.get(inA.name()).endpoints().versionedResources().get("db"))
        .isSameAs(shared.endpoints().versionedResources().get("db"));
    assertThat(priorities(shared, "api")).containsExactly(entry("a", 0), entry("b", 0));
    assertThat(s.get(inA.name()).clusters().versionedResources())
        .isSameAs(shared.clusters().versionedResources());

    // The zone's last instance leaves: what is left becomes priority 0, with no gap.
    s = step(new io.cairn.registry.command.DeregisterInstance("api-a"), "api");
    assertThat(priorities(s.get(inA.name()), "api")).containsExactly(entry("b", 0));
    s = step(located("api-a2", "api", "10.0.0.3", "a"), "api");
    assertThat(priorities(s.get(inA.name()), "api")).containsExactly(entry("a", 0), entry("b", 1));
    // Another service in the same zone changes: api's ordered endpoints are kept as they were.
    String before = s.get(inA.name()).endpoints().versionedResources().get("api").version();
    s = step(located("db-c", "db", "10.0.2.3", "c"), "db");
    assertThat(s.get(inA.name()).endpoints().versionedResources().get("api").version())
        .isEqualTo(before);

    s = step(PutConfigEntry.of(prioritizing("api", false)), "api");
    assertThat(s.get(inA.name())).isSameAs(shared);
    assertThat(s.get(webInB.name())).isSameAs(shared);
  }

  private static Map.Entry<String, Integer> entry(String zone, int priority) {
    return Map.entry(zone, priority);
  }
}
