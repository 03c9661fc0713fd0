package io.cairn.xds.cache;

import static io.cairn.xds.pgv.ValidResources.valid;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.command.Command;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionSource;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.Upstream;
import io.cairn.xds.TestCa;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.clusters.aggregate.v3.ClusterConfig;
import io.envoyproxy.envoy.extensions.filters.network.tcp_proxy.v3.TcpProxy;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class SidecarSnapshotsTest {
  private final Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());

  SidecarSnapshotsTest() {
    registry.apply(TestCa.setUp());
  }

  @AfterEach
  void close() {
    registry.close();
  }

  private static Command app(String id, String service, String address) {
    return RegisterInstance.of(
        ServiceInstance.builder(id, service).address(address).port(8080).build());
  }

  private static Command sidecar(String id, String service, String address, Upstream... up) {
    return RegisterInstance.of(
        ServiceInstance.builder(id, service + "-sidecar-proxy")
            .address(address)
            .port(21000)
            .kind(
                new ConnectProxy(
                    service,
                    Optional.of(id.replace("-sidecar-proxy", "")),
                    "127.0.0.1",
                    8080,
                    List.of(up)))
            .build());
  }

  private static Map<String, Map<String, String>> all(SidecarSnapshots s) {
    Map<String, Map<String, String>> out = new TreeMap<>();
    s.all().forEach((id, snapshot) -> out.put(id, SnapshotVersions.of(valid(snapshot))));
    return out;
  }

  private void step(SidecarSnapshots incremental, Command command, String... changed) {
    registry.apply(command);
    incremental.update(registry.snapshot(), Set.of(changed));
    SidecarSnapshots full = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    full.rebuild(registry.snapshot());
    assertThat(all(incremental)).as("after " + command).isEqualTo(all(full));
  }

  @Test
  void everyChangeMatchesAFullBuild() {
    registry.apply(app("api-1", "api", "10.0.0.1"));
    registry.apply(app("web-1", "web", "10.0.1.1"));
    registry.apply(sidecar("web-1-sidecar-proxy", "web", "10.0.1.1", new Upstream("api", 9191)));
    SidecarSnapshots incremental = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    incremental.rebuild(registry.snapshot());

    step(incremental, sidecar("api-1-sidecar-proxy", "api", "10.0.0.1"), "api-sidecar-proxy");
    step(incremental, app("api-2", "api", "10.0.0.2"), "api");
    step(incremental, sidecar("api-2-sidecar-proxy", "api", "10.0.0.2"), "api-sidecar-proxy");
    step(
        incremental, PutConfigEntry.of(new ServiceDefaults("api", Protocol.HTTP, Map.of())), "api");
    // The canary speaks api's protocol, as Consul requires of a split target.
    step(
        incremental,
        PutConfigEntry.of(new ServiceDefaults("api-canary", Protocol.HTTP, Map.of())),
        "api-canary");
    step(
        incremental,
        PutConfigEntry.of(
            new ServiceSplitter(
                "api",
                List.of(
                    new Split(90, new ServiceTarget("", "")),
                    new Split(10, new ServiceTarget("api-canary", ""))),
                Map.of())),
        "api");
    step(incremental, app("canary-1", "api-canary", "10.0.3.1"), "api-canary");
    step(
        incremental,
        PutConfigEntry.of(
            new ServiceIntentions(
                "web", List.of(IntentionSource.of("batch", IntentionAction.DENY)), Map.of())),
        "web");
    step(incremental, app("batch-1", "batch", "10.0.4.1"), "batch");
    step(
        incremental,
        PutConfigEntry.of(
            new ServiceIntentions(
                "*", List.of(IntentionSource.of("api", IntentionAction.DENY)), Map.of())),
        "*");
    step(
        incremental,
        sidecar("web-2-sidecar-proxy", "web", "10.0.1.2", new Upstream("db", 9292)),
        "web-sidecar-proxy");
    step(incremental, new DeregisterInstance("api-1-sidecar-proxy"), "api-sidecar-proxy");
    step(incremental, new DeregisterInstance("web-1-sidecar-proxy"), "web-sidecar-proxy");
    assertThat(incremental.all()).containsOnlyKeys("web-2-sidecar-proxy", "api-2-sidecar-proxy");
  }

  @Test
  void sidecarsRegisteredAlikeShareOneSnapshotAndUpstreamsAreReachedThroughTheirSidecars() {
    registry.apply(app("api-1", "api", "10.0.0.1"));
    registry.apply(app("api-2", "api", "10.0.0.2"));
    registry.apply(sidecar("api-1-sidecar-proxy", "api", "10.0.0.1"));
    registry.apply(sidecar("web-1-sidecar-proxy", "web", "10.0.1.1", new Upstream("api", 9191)));
    registry.apply(sidecar("web-2-sidecar-proxy", "web", "10.0.1.2", new Upstream("api", 9191)));
    SidecarSnapshots sidecars = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    SidecarSnapshots.Update first = sidecars.rebuild(registry.snapshot());
    assertThat(first.snapshots()).hasSize(3);
    assertThat(first.snapshots().get("web-1-sidecar-proxy"))
        .isSameAs(first.snapshots().get("web-2-sidecar-proxy"));

    // api-2 has no sidecar: only api-1 is in the mesh, at its sidecar's port.
    ClusterLoadAssignment api =
        (ClusterLoadAssignment)
            first.snapshots().get("web-1-sidecar-proxy").endpoints().resources().get("api");
    List<String> endpoints =
        api.getEndpointsList().stream()
            .flatMap(l -> l.getLbEndpointsList().stream())
            .map(LbEndpoint::getEndpoint)
            .map(e -> e.getAddress().getSocketAddress())
            .map(a -> a.getAddress() + ":" + a.getPortValue())
            .toList();
    assertThat(endpoints).containsExactly("10.0.0.1:21000");

    // An unrelated service changes nothing for anybody.
    registry.apply(app("db-1", "db", "10.0.5.1"));
    assertThat(sidecars.update(registry.snapshot(), Set.of("db")).snapshots()).isEmpty();
    // A change to api reaches the web sidecars, not api's own.
    registry.apply(sidecar("api-2-sidecar-proxy", "api", "10.0.0.2"));
    assertThat(sidecars.update(registry.snapshot(), Set.of("api-sidecar-proxy")).snapshots())
        .containsOnlyKeys("web-1-sidecar-proxy", "web-2-sidecar-proxy", "api-2-sidecar-proxy");
  }

  @Test
  void givenTheChangedInstancesTheUpdateMatchesReadingEveryChangedService() {
    registry.apply(app("api-1", "api", "10.0.0.1"));
    registry.apply(sidecar("web-1-sidecar-proxy", "web", "10.0.1.1", new Upstream("api", 9191)));
    // One reads every changed service again; the other only those that have or gain a proxy.
    SidecarSnapshots byServices = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    SidecarSnapshots byInstances = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    byServices.rebuild(registry.snapshot());
    byInstances.rebuild(registry.snapshot());
    List<List<Object>> steps =
        List.of(
            List.of(app("db-1", "db", "10.0.5.1"), "db", "db-1"),
            List.of(
                sidecar("api-1-sidecar-proxy", "api", "10.0.0.1"),
                "api-sidecar-proxy",
                "api-1-sidecar-proxy"),
            List.of(app("api-2", "api", "10.0.0.2"), "api", "api-2"),
            List.of(
                new DeregisterInstance("api-1-sidecar-proxy"),
                "api-sidecar-proxy",
                "api-1-sidecar-proxy"));
    List<Set<String>> updated = new java.util.ArrayList<>();
    for (List<Object> step : steps) {
      registry.apply((Command) step.get(0));
      Set<String> names = Set.of((String) step.get(1));
      Set<String> instances = Set.of((String) step.get(2));
      Set<String> expected = byServices.update(registry.snapshot(), names).snapshots().keySet();
      assertThat(byInstances.update(registry.snapshot(), names, instances).snapshots().keySet())
          .as("after %s", step.get(2))
          .isEqualTo(expected);
      updated.add(expected);
    }
    assertThat(updated.get(0)).as("a plain service changes no sidecar").isEmpty();
    assertThat(updated.get(1))
        .as("api gains a proxy: web's sidecar reaches api through it")
        .contains("web-1-sidecar-proxy", "api-1-sidecar-proxy");
    assertThat(updated.get(3)).as("api loses its proxy").contains("web-1-sidecar-proxy");
  }

  @Test
  void churnInASourceServiceRebuildsNoListenerOfItsDestinations() {
    registry.apply(app("web-1", "web", "10.0.1.1"));
    registry.apply(sidecar("web-1-sidecar-proxy", "web", "10.0.1.1"));
    registry.apply(
        PutConfigEntry.of(
            new ServiceIntentions(
                "web",
                List.of(
                    IntentionSource.of("api", IntentionAction.ALLOW),
                    IntentionSource.of("batch", IntentionAction.DENY)),
                Map.of())));
    SidecarSnapshots sidecars = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    sidecars.rebuild(registry.snapshot());
    ContentSnapshot before = sidecars.all().get("web-1-sidecar-proxy");

    // Sources come, get sidecars of their own, move and go: web's RBAC names identities, not them.
    List<Command> churn =
        List.of(
            app("batch-1", "batch", "10.0.4.1"),
            app("api-1", "api", "10.0.0.1"),
            sidecar("api-1-sidecar-proxy", "api", "10.0.0.1"),
            app("batch-2", "batch", "batch-2.example.com"),
            app("batch-1", "batch", "10.0.4.9"),
            new DeregisterInstance("api-1-sidecar-proxy"),
            new DeregisterInstance("batch-1"));
    for (Command c : churn) {
      registry.apply(c);
      SidecarSnapshots.Update update =
          sidecars.update(
              registry.snapshot(), Set.of("api", "api-sidecar-proxy", "batch", "web-sidecar"));
      assertThat(update.snapshots()).as("after %s", c).doesNotContainKey("web-1-sidecar-proxy");
    }
    assertThat(sidecars.all().get("web-1-sidecar-proxy")).isSameAs(before);
    // Not even rebuilt: what it is built from leaves its intentions' sources out.
    SidecarKey web =
        SidecarKey.of(registry.snapshot().instance("web-1-sidecar-proxy").orElseThrow().value())
            .orElseThrow();
    assertThat(
            SidecarResources.of(
                    registry.snapshot(), web, IntentionAction.ALLOW, TestCa.TRUST_DOMAIN)
                .dependsOn())
        .doesNotContain("api", "batch", "api-sidecar-proxy", "batch-sidecar-proxy");

    // Its intentions themselves still do.
    registry.apply(
        PutConfigEntry.of(
            new ServiceIntentions(
                "web", List.of(IntentionSource.of("batch", IntentionAction.DENY)), Map.of())));
    assertThat(sidecars.update(registry.snapshot(), Set.of("web")).snapshots())
        .containsOnlyKeys("web-1-sidecar-proxy");
  }

  @Test
  void noSidecarIsBuiltBeforeTheMeshCaAndEveryOneWhenItComes() throws Exception {
    try (Registry bare = Registry.open(new InMemoryStore(), new SimpleMeterRegistry())) {
      bare.apply(app("web-1", "web", "10.0.1.1"));
      bare.apply(sidecar("web-1-sidecar-proxy", "web", "10.0.1.1"));
      bare.apply(sidecar("api-1-sidecar-proxy", "api", "10.0.0.1", new Upstream("web", 9191)));
      bare.apply(
          PutConfigEntry.of(
              new ServiceIntentions(
                  "web", List.of(IntentionSource.of("api", IntentionAction.DENY)), Map.of())));
      SidecarSnapshots sidecars = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
      assertThat(sidecars.rebuild(bare.snapshot()).snapshots()).isEmpty();
      bare.apply(app("web-2", "web", "10.0.1.2"));
      assertThat(sidecars.update(bare.snapshot(), Set.of("web")).snapshots()).isEmpty();
      assertThat(sidecars.all()).isEmpty();

      // The CA's arrival changes no service, yet builds every sidecar.
      bare.apply(TestCa.setUp());
      SidecarSnapshots.Update update = sidecars.update(bare.snapshot(), Set.of());
      assertThat(update.snapshots()).containsOnlyKeys("web-1-sidecar-proxy", "api-1-sidecar-proxy");
      Listener inbound =
          valid(update.snapshots().get("web-1-sidecar-proxy"))
              .listeners()
              .resources()
              .get("public_listener:0.0.0.0:21000");
      RBAC rules =
          inbound
              .getFilterChains(0)
              .getFilters(0)
              .getTypedConfig()
              .unpack(io.envoyproxy.envoy.extensions.filters.network.rbac.v3.RBAC.class)
              .getRules();
      assertThat(rules.getAction()).isEqualTo(RBAC.Action.DENY);
      assertThat(
              rules.getPoliciesMap().values().stream()
                  .map(p -> p.getPrincipals(0).getAuthenticated().getPrincipalName())
                  .map(m -> m.getSafeRegex().getRegex())
                  .toList())
          .containsExactly(
              "^spiffe://"
                  + TestCa.TRUST_DOMAIN.replace(".", "\\.")
                  + "/ns/default/dc/[^/]+/svc/api$");
      SidecarSnapshots full = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
      full.rebuild(bare.snapshot());
      assertThat(all(sidecars)).isEqualTo(all(full));
    }
  }

  @Test
  void tcpUpstreamsFailOverThroughAnAggregateClusterThatFollowsOtherResolvers() throws Exception {
    registry.apply(app("db-1", "db", "10.0.0.1"));
    registry.apply(app("dbb-1", "dbb", "10.0.0.2"));
    registry.apply(sidecar("web-1-sidecar-proxy", "web", "10.0.1.1", new Upstream("db", 9191)));
    SidecarSnapshots incremental = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    incremental.rebuild(registry.snapshot());

    step(
        incremental,
        PutConfigEntry.of(
            ServiceResolver.builder("db")
                .failover(Map.of("*", List.of(new ServiceTarget("standby", ""))))
                .build()),
        "db");
    // Only standby's name changes: the sidecar's failover must follow its redirect anyway.
    step(
        incremental,
        PutConfigEntry.of(
            ServiceResolver.builder("standby")
                .redirect(Optional.of(new ServiceTarget("dbb", "")))
                .build()),
        "standby");

    ContentSnapshot s = incremental.all().get("web-1-sidecar-proxy");
    Cluster failover = s.clusters().resources().get("db~failover");
    assertThat(failover.getLbPolicy())
        .as("Envoy demands it on an aggregate cluster")
        .isEqualTo(Cluster.LbPolicy.CLUSTER_PROVIDED);
    assertThat(
            failover
                .getClusterType()
                .getTypedConfig()
                .unpack(ClusterConfig.class)
                .getClustersList())
        .containsExactly("db", "dbb");
    assertThat(s.clusters().resources()).containsKeys("db", "dbb");
    assertThat(s.endpoints().resources()).containsKeys("db", "dbb");
    TcpProxy proxy =
        s.listeners()
            .resources()
            .get("db:127.0.0.1:9191")
            .getFilterChains(0)
            .getFiltersList()
            .getLast()
            .getTypedConfig()
            .unpack(TcpProxy.class);
    assertThat(proxy.getCluster()).isEqualTo("db~failover");
  }

  @Test
  void theSidecarsOwnServiceDefaultsShapeItsUpstreamClusters() {
    registry.apply(app("api-1", "api", "10.0.0.1"));
    registry.apply(sidecar("api-1-sidecar-proxy", "api", "10.0.0.1"));
    registry.apply(sidecar("web-1-sidecar-proxy", "web", "10.0.1.1", new Upstream("api", 9191)));
    registry.apply(
        sidecar("batch-1-sidecar-proxy", "batch", "10.0.2.1", new Upstream("api", 9191)));
    SidecarSnapshots incremental = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    incremental.rebuild(registry.snapshot());

    step(
        incremental,
        PutConfigEntry.of(
            new ServiceDefaults("web", Protocol.TCP, DownstreamSnapshotsTest.config(3), Map.of())),
        "web");
    Cluster web = incremental.all().get("web-1-sidecar-proxy").clusters().resources().get("api");
    assertThat(web.getCircuitBreakers().getThresholds(0).getMaxRequests().getValue()).isEqualTo(3);
    assertThat(web.getConnectTimeout().getNanos()).isEqualTo(700_000_000);
    assertThat(web.getOutlierDetection().getConsecutive5Xx().getValue()).isEqualTo(2);
    assertThat(web.getOutlierDetection().hasEnforcingFailurePercentage()).isFalse();
    Cluster batch =
        incremental.all().get("batch-1-sidecar-proxy").clusters().resources().get("api");
    assertThat(batch.hasCircuitBreakers()).isFalse();
    assertThat(batch.hasOutlierDetection()).isFalse();

    step(incremental, app("api-2", "api", "10.0.0.2"), "api");
    step(incremental, PutConfigEntry.of(new ServiceDefaults("web", Protocol.TCP, Map.of())), "web");
    assertThat(
            incremental
                .all()
                .get("web-1-sidecar-proxy")
                .clusters()
                .resources()
                .get("api")
                .hasCircuitBreakers())
        .isFalse();
  }

  private static Command in(String zone, ServiceInstance.Builder instance) {
    return RegisterInstance.of(
        instance.locality(Optional.of(new io.cairn.registry.model.Locality("eu", zone))).build());
  }

  private static ServiceInstance.Builder web(String id, String address) {
    return ServiceInstance.builder(id, "web-sidecar-proxy")
        .address(address)
        .port(21000)
        .kind(
            new ConnectProxy(
                "web", Optional.empty(), "127.0.0.1", 8080, List.of(new Upstream("api", 9191))));
  }

  /** Priority of each zone in the api endpoints a sidecar is sent. */
  private static Map<String, Integer> apiPriorities(SidecarSnapshots s, String proxyId) {
    Map<String, Integer> out = new TreeMap<>();
    valid(s.all().get(proxyId))
        .endpoints()
        .resources()
        .get("api")
        .getEndpointsList()
        .forEach(l -> out.put(l.getLocality().getZone(), l.getPriority()));
    return out;
  }

  @Test
  void sidecarsGetPrioritizingUpstreamsEndpointsOrderedForTheirOwnLocality() {
    registry.apply(in("a", ServiceInstance.builder("api-a", "api").address("10.0.0.1").port(80)));
    registry.apply(in("b", ServiceInstance.builder("api-b", "api").address("10.0.0.2").port(80)));
    registry.apply(in("a", web("web-a", "10.0.1.1")));
    registry.apply(in("b", web("web-b", "10.0.1.2")));
    registry.apply(RegisterInstance.of(web("web-x", "10.0.1.3").build()));
    SidecarSnapshots incremental = new SidecarSnapshots(IntentionAction.ALLOW, "dc1");
    incremental.rebuild(registry.snapshot());
    // No resolver asks for it: every sidecar registered alike shares one snapshot.
    assertThat(incremental.all().get("web-a")).isSameAs(incremental.all().get("web-b"));

    step(
        incremental,
        PutConfigEntry.of(ServiceResolver.builder("api").prioritizeByLocality(true).build()),
        "api");
    assertThat(apiPriorities(incremental, "web-a")).containsExactly(entry("a", 0), entry("b", 1));
    assertThat(apiPriorities(incremental, "web-b")).containsExactly(entry("a", 1), entry("b", 0));
    // A sidecar registered without a locality is near none of them.
    assertThat(apiPriorities(incremental, "web-x")).containsExactly(entry("a", 0), entry("b", 0));

    // Zone a's instance leaves: b is web-a's priority 0, with no gap.
    step(incremental, new DeregisterInstance("api-a"), "api");
    assertThat(apiPriorities(incremental, "web-a")).containsExactly(entry("b", 0));
    step(
        incremental,
        in("a", ServiceInstance.builder("api-a", "api").address("10.0.0.1").port(80)),
        "api");
    assertThat(apiPriorities(incremental, "web-a")).containsExactly(entry("a", 0), entry("b", 1));
    // A sidecar that moves to zone b is sent b first.
    step(incremental, in("b", web("web-a", "10.0.1.1")), "web-sidecar-proxy");
    assertThat(apiPriorities(incremental, "web-a")).containsExactly(entry("a", 1), entry("b", 0));
  }

  private static Map.Entry<String, Integer> entry(String zone, int priority) {
    return Map.entry(zone, priority);
  }
}
