package io.cairn.registry;

import static io.cairn.registry.Fixtures.instance;
import static io.cairn.registry.Fixtures.ttlCheck;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.command.DeregisterCheck;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterCheck;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.SetMaintenance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.HttpRouteMatch;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionSource;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ProxyDefaults;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.RouteDestination;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.HttpCheck;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.Locality;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.Upstream;
import io.cairn.registry.model.Weights;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The registry on the real SQLite store: a restart restores every value and every index. */
class DurableRegistryIT {
  @TempDir Path dataDir;

  private Registry open() {
    return Registry.open(SqliteStore.open(dataDir), new SimpleMeterRegistry());
  }

  @Test
  void restartRestoresEverythingIncludingIndexes() {
    ServiceInstance sidecar =
        ServiceInstance.builder("web-1-sidecar", "web-sidecar-proxy")
            .address("10.0.0.5")
            .port(21000)
            .tags("v1", "canary")
            .meta(Map.of("version", "1.2"))
            .weights(new Weights(10, 1))
            .locality(new Locality("eu-west", "eu-west-1a"))
            .kind(
                new ConnectProxy(
                    "web",
                    Optional.of("web-1"),
                    "127.0.0.1",
                    8080,
                    List.of(new Upstream("api", 9191))))
            .build();
    HealthCheck http =
        new HealthCheck(
            "web-1-sidecar:http",
            "http",
            "web-1-sidecar",
            HttpCheck.get(URI.create("http://10.0.0.5:21000/ready"), Duration.ofSeconds(5)),
            HealthStatus.CRITICAL,
            "",
            "readiness",
            new io.cairn.registry.model.CheckThresholds(2, 1, 3),
            Optional.of(Duration.ofMinutes(10)));
    List<ConfigEntry> entries =
        List.of(
            new ServiceDefaults("api", Protocol.HTTP, Map.of("team", "core")),
            new ServiceDefaults("web", Protocol.HTTP, RecordCodecTest.upstreamConfig(), Map.of()),
            new ProxyDefaults(ProxyDefaults.GLOBAL, Optional.of(Protocol.GRPC), Map.of()),
            RegistryTest.resolver("api", "v1", "v2"),
            new ServiceSplitter(
                "api",
                List.of(
                    new Split(95, new ServiceTarget("", "v1")),
                    new Split(5, new ServiceTarget("", "v2"))),
                Map.of()),
            new ServiceRouter(
                "api",
                List.of(
                    new Route(
                        HttpRouteMatch.pathPrefix("/beta"),
                        RouteDestination.to(new ServiceTarget("", "v2")))),
                Map.of()),
            new ServiceIntentions(
                "api", List.of(IntentionSource.of("web", IntentionAction.ALLOW)), Map.of()));

    RegistrySnapshot before;
    try (Registry registry = open()) {
      registry.apply(new RegisterInstance(sidecar, List.of(http), false));
      registry.apply(
          new RegisterInstance(
              instance("api-1", "api"),
              List.of(ttlCheck("api-1:ttl", "api-1", HealthStatus.CRITICAL)),
              false));
      registry.apply(new UpdateCheck("api-1:ttl", HealthStatus.PASSING, "all good"));
      registry.apply(SetMaintenance.enable("api-1", "kernel upgrade"));
      registry.apply(RegisterInstance.of(instance("gone-1", "gone")));
      registry.apply(new DeregisterInstance("gone-1"));
      entries.forEach(e -> registry.apply(PutConfigEntry.of(e)));
      before = registry.snapshot();
    }

    try (Registry registry = open()) {
      RegistrySnapshot after = registry.snapshot();
      assertThat(after.index()).isEqualTo(before.index());
      assertThat(after.instances()).containsExactlyElementsOf(before.instances());
      assertThat(after.checks()).containsExactlyElementsOf(before.checks());
      assertThat(after.maintenances()).containsExactlyElementsOf(before.maintenances());
      assertThat(after.configEntries()).containsExactlyElementsOf(before.configEntries());
      // Blocking-query indexes are the ones clients saw before the restart, removed services'
      // included: a restart (or another replica loading the store) answers the same.
      assertThat(after.tableIndexes()).isEqualTo(before.tableIndexes());
      assertThat(before.tableIndexes().catalog()).isLessThan(before.index());
      for (String service : List.of("api", "web-sidecar-proxy", "gone", "never")) {
        assertThat(after.serviceIndex(service))
            .as("index of " + service)
            .isEqualTo(before.serviceIndex(service));
      }
      assertThat(before.serviceIndex("gone")).isPositive();
      assertThat(after.health("api")).isEqualTo(before.health("api"));
      assertThat(after.instance("web-1-sidecar").map(Indexed::value)).contains(sidecar);

      // The next write continues the index.
      long next = registry.apply(RegisterInstance.of(instance("api-2", "api"))).index();
      assertThat(next).isEqualTo(before.index() + 1);
    }
  }

  /**
   * A restart restores the snapshot that was written, map for map and entry for entry, in order:
   * ids whose rows are not in key order ({@code svc-6-1000} is written after {@code svc-6-6}),
   * instances with several checks or none, checks registered after their instance, maintenance
   * marks, sidecars holding proxy ports, and records deleted and written again.
   */
  @Test
  void restartRestoresTheSnapshotAsWrittenEntryForEntry() {
    RegistrySnapshot before;
    try (Registry registry = open()) {
      for (int i = 0; i < 1_200; i++) {
        String id = "svc-" + (i % 7) + "-" + i;
        List<HealthCheck> checks =
            switch (i % 3) {
              case 0 -> List.of();
              case 1 -> List.of(ttlCheck(id + ":ttl", id, HealthStatus.PASSING));
              default ->
                  List.of(
                      ttlCheck(id + ":b", id, HealthStatus.CRITICAL),
                      ttlCheck(id + ":a", id, HealthStatus.WARNING));
            };
        registry.apply(new RegisterInstance(instance(id, "svc-" + (i % 7)), checks, false));
      }
      for (int i = 0; i < 1_200; i += 9) {
        String id = "svc-" + (i % 7) + "-" + i;
        registry.apply(new RegisterCheck(ttlCheck("late:" + id, id, HealthStatus.PASSING)));
      }
      for (int i = 0; i < 1_200; i += 11) {
        registry.apply(new DeregisterInstance("svc-" + (i % 7) + "-" + i));
      }
      for (int i = 0; i < 1_200; i += 22) {
        String id = "svc-" + (i % 7) + "-" + i;
        registry.apply(
            new RegisterInstance(
                instance(id, "svc-again"),
                List.of(ttlCheck(id + ":ttl", id, HealthStatus.PASSING)),
                false));
      }
      registry.apply(new DeregisterCheck("svc-2-2:a"));
      registry.apply(SetMaintenance.enable("svc-1-1", "kernel upgrade"));
      registry.apply(SetMaintenance.enable("svc-6-1000", "disk swap"));
      registry.apply(
          new RegisterInstance(
              ServiceInstance.builder("web-1-sidecar", "web-sidecar-proxy")
                  .address("10.0.0.5")
                  .port(21000)
                  .kind(new ConnectProxy("web", Optional.of("web-1"), "127.0.0.1", 8080, List.of()))
                  .build(),
              List.of(),
              false));
      before = registry.snapshot();
    }

    try (Registry registry = open()) {
      RegistrySnapshot after = registry.snapshot();
      assertThat(after.index).isEqualTo(before.index);
      assertSameEntries(after.instances, before.instances);
      assertSameEntries(after.byService, before.byService);
      assertSameEntries(after.checks, before.checks);
      assertSameEntries(after.checksByInstance, before.checksByInstance);
      assertSameEntries(after.maintenance, before.maintenance);
      assertSameEntries(after.config, before.config);
      assertSameEntries(after.serviceIndexes, before.serviceIndexes);
      assertSameEntries(after.proxyPorts, before.proxyPorts);
      assertThat(after.tableIndexes).isEqualTo(before.tableIndexes);
      assertSameEntries(after.acl.storedPolicies(), before.acl.storedPolicies());
      assertSameEntries(after.acl.storedTokens(), before.acl.storedTokens());
      assertThat(after.kv).isEqualTo(before.kv);
      assertThat(after.catalog).isEqualTo(before.catalog);
      assertThat(after.ca).isEqualTo(before.ca);
      assertThat(after.checksByInstance.get("svc-2-2")).containsOnlyKeys("svc-2-2:b");
      assertThat(after.checksByInstance).doesNotContainKey("svc-3-3");
    }
  }

  /** The same entries in the same order, nested maps compared as maps. */
  private static <K, V> void assertSameEntries(Map<K, V> after, Map<K, V> before) {
    assertThat(after.entrySet()).containsExactlyElementsOf(before.entrySet());
  }

  /** Lone writers write inline, bursts go through the pipeline; a restart restores both. */
  @Test
  void inlineAndGroupCommitsRestoreAsServed() throws Exception {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Map<String, Long> acked;
    RegistrySnapshot served;
    try (Registry registry = Registry.open(SqliteStore.open(dataDir), meters)) {
      acked = MixedWriters.run(registry, 6, 32);
      served = registry.snapshot();
      MixedWriters.assertServed(served, acked);
      assertThat(meters.counter("cairn.registry.inline.commands").count()).isPositive();
      assertThat(meters.summary("cairn.registry.batch.commands").max()).isGreaterThan(1);
    }
    try (Registry restored = open()) {
      MixedWriters.assertRestored(restored.snapshot(), served, acked);
    }
  }
}
