package io.cairn.xds.cache;

import static io.cairn.xds.pgv.ValidResources.valid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.command.Command;
import io.cairn.registry.command.DeleteConfigEntry;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.SetMaintenance;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import io.cairn.registry.model.ServiceInstance;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Collectors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** An incrementally updated snapshot must always equal one built from scratch. */
class ProxylessSnapshotsTest {
  private final Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());

  @AfterEach
  void close() {
    registry.close();
  }

  private static Command instance(String id, String service, String address) {
    return RegisterInstance.of(
        ServiceInstance.builder(id, service).address(address).port(8080).build());
  }

  private void step(ProxylessSnapshots incremental, Command command, String... changed) {
    registry.apply(command);
    ContentSnapshot updated = valid(incremental.update(registry.snapshot(), Set.of(changed)));
    assertThat(SnapshotVersions.of(updated))
        .as("after " + command)
        .isEqualTo(SnapshotVersions.of(ProxylessSnapshots.build(registry.snapshot())));
  }

  @Test
  void everyChangeMatchesAFullBuild() {
    registry.apply(instance("api-1", "api", "10.0.0.1"));
    registry.apply(instance("web-1", "web", "10.0.1.1"));
    registry.apply(PutConfigEntry.of(new ServiceDefaults("web", Protocol.HTTP, Map.of())));
    registry.apply(PutConfigEntry.of(new ServiceDefaults("api", Protocol.HTTP, Map.of())));
    ProxylessSnapshots incremental = new ProxylessSnapshots();
    incremental.rebuild(registry.snapshot());

    // web splits to api: web's resources now depend on api's instances.
    step(
        incremental,
        PutConfigEntry.of(
            new ServiceSplitter(
                "web",
                List.of(
                    new Split(50, new ServiceTarget("", "")),
                    new Split(50, new ServiceTarget("api", ""))),
                Map.of())),
        "web");
    step(incremental, instance("api-2", "api", "10.0.0.2"), "api");
    step(incremental, new DeregisterInstance("api-1"), "api");
    step(incremental, instance("db-1", "db", "10.0.2.1"), "db");
    step(incremental, new DeregisterInstance("db-1"), "db");
    step(
        incremental,
        new DeleteConfigEntry(
            new ConfigEntryKey(ConfigEntryKind.SERVICE_SPLITTER, "web"),
            java.util.OptionalLong.empty()),
        "web");
    step(incremental, instance("api-3", "api", "10.0.0.3"), "api");

    assertThat(
            SnapshotVersions.of(incremental.update(registry.snapshot(), Set.of())).keySet().stream()
                .filter(k -> k.startsWith("LISTENER"))
                .collect(Collectors.toList()))
        .containsExactly("LISTENER/api", "LISTENER/web");
  }

  private static ServiceResolver resolver(
      String name, Optional<ServiceTarget> redirect, Map<String, List<ServiceTarget>> failover) {
    return ServiceResolver.builder(name).redirect(redirect).failover(failover).build();
  }

  private static ServiceTarget to(String service) {
    return new ServiceTarget(service, "");
  }

  @Test
  void aChangeToAnotherServicesResolverRebuildsEveryChainThatReadsIt() throws Exception {
    registry.apply(instance("echo-1", "echo", "10.0.0.1"));
    registry.apply(instance("echob-1", "echob", "10.0.0.2"));
    registry.apply(instance("web-1", "web", "10.0.1.1"));
    registry.apply(PutConfigEntry.of(new ServiceDefaults("web", Protocol.HTTP, Map.of())));
    // Split, failover and redirect targets speak web's protocol, as Consul requires.
    for (String target : List.of("echo", "echob", "moved")) {
      registry.apply(PutConfigEntry.of(new ServiceDefaults(target, Protocol.HTTP, Map.of())));
    }
    registry.apply(
        PutConfigEntry.of(
            new ServiceSplitter(
                "web", List.of(new Split(50, to("")), new Split(50, to("echo"))), Map.of())));
    ProxylessSnapshots incremental = new ProxylessSnapshots();
    incremental.rebuild(registry.snapshot());

    // Only echo's name changes, yet web's route must now lead to echo's failover.
    step(
        incremental,
        PutConfigEntry.of(resolver("echo", Optional.empty(), Map.of("*", List.of(to("moved"))))),
        "echo");
    step(
        incremental,
        PutConfigEntry.of(resolver("moved", Optional.of(to("echob")), Map.of())),
        "moved");
    ContentSnapshot s = incremental.update(registry.snapshot(), Set.of());
    Cluster failover = s.clusters().resources().get("echo~failover");
    assertThat(failover.getClusterType().getName()).isEqualTo("envoy.clusters.aggregate");
    assertThat(failover.getLbPolicy())
        .as("what gRPC accepts")
        .isEqualTo(Cluster.LbPolicy.ROUND_ROBIN);
    assertThat(
            failover
                .getClusterType()
                .getTypedConfig()
                .unpack(ClusterConfig.class)
                .getClustersList())
        .containsExactly("echo", "echob");
    assertThat(s.endpoints().resources()).containsKeys("echo", "echob");
    assertThat(s.listeners().resources()).containsKey("moved");
    assertThat(
            s.routes()
                .resources()
                .get("web")
                .getVirtualHosts(0)
                .getRoutes(0)
                .getRoute()
                .getWeightedClusters()
                .getClustersList())
        .extracting(c -> c.getName())
        .containsExactly("web", "echo~failover");

    // gRPC keeps calling the endpoints it had when a cluster's become empty: while echo has none,
    // proxyless clients get the aggregate without it, and it comes back with echo's instance.
    step(incremental, SetMaintenance.enable("echo-1", "drain"), "echo");
    assertThat(aggregated(incremental, "echo~failover")).containsExactly("echob");
    step(incremental, SetMaintenance.disable("echo-1"), "echo");
    assertThat(aggregated(incremental, "echo~failover")).containsExactly("echo", "echob");

    // moved redirects elsewhere: echo's failover (and so web's and echo's routes) follow.
    step(
        incremental,
        PutConfigEntry.of(resolver("moved", Optional.of(to("web")), Map.of())),
        "moved");
    step(
        incremental,
        new DeleteConfigEntry(
            new ConfigEntryKey(ConfigEntryKind.SERVICE_RESOLVER, "echo"),
            java.util.OptionalLong.empty()),
        "echo");
    s = incremental.update(registry.snapshot(), Set.of());
    assertThat(s.clusters().resources()).doesNotContainKey("echo~failover");
    step(
        incremental,
        new DeleteConfigEntry(
            new ConfigEntryKey(ConfigEntryKind.SERVICE_RESOLVER, "moved"),
            java.util.OptionalLong.empty()),
        "moved");
    assertThat(incremental.update(registry.snapshot(), Set.of()).listeners().resources())
        .doesNotContainKey("moved");
  }

  private List<String> aggregated(ProxylessSnapshots incremental, String cluster) throws Exception {
    return incremental
        .update(registry.snapshot(), Set.of())
        .clusters()
        .resources()
        .get(cluster)
        .getClusterType()
        .getTypedConfig()
        .unpack(ClusterConfig.class)
        .getClustersList();
  }

  @Test
  void aRedirectedServiceIsServedWithoutInstancesAndRoutesToItsTarget() {
    registry.apply(instance("new-1", "new", "10.0.0.1"));
    registry.apply(PutConfigEntry.of(resolver("old", Optional.of(to("new")), Map.of())));

    ContentSnapshot s = valid(ProxylessSnapshots.build(registry.snapshot()));

    assertThat(s.listeners().resources()).containsKey("old");
    assertThat(
            s.routes()
                .resources()
                .get("old")
                .getVirtualHosts(0)
                .getRoutes(0)
                .getRoute()
                .getCluster())
        .isEqualTo("new");
    // old's own cluster is kept (empty) for whoever names it; no route leads there.
    assertThat(s.clusters().resources()).containsOnlyKeys("new", "old");
    assertThat(s.endpoints().resources().get("old").getEndpointsList()).isEmpty();
  }
}
