package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterCheck;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Locality;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.TtlCheck;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.NameResolverRegistry;
import io.grpc.xds.XdsNameResolverProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * grpc-java's xDS resolver against Cairn, as clients in zones {@code a} and {@code b} of one region
 * (their bootstrap's {@code node.locality}), calling a service with a backend in each zone whose
 * resolver prioritizes by locality: each client calls the backend in its own zone, fails over to
 * the other zone when its own backend's check goes critical, and comes back when it passes.
 */
class LocalityPriorityIT {
  private static final String ZONE_A = "cairn-zone-a";
  private static final String ZONE_B = "cairn-zone-b";
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir static Path dir;
  private static Registry registry;
  private static XdsServer xds;

  private final List<Backend> backends = new ArrayList<>();
  private final List<ManagedChannel> channels = new ArrayList<>();

  @BeforeAll
  static void startCairn() throws Exception {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    xds =
        CheckedXds.start(
            XdsSettings.loopback(0),
            Core.of(registry, new SimpleMeterRegistry()),
            Optional.empty());
    // Each scheme has its own bootstrap, so both clients live in this JVM beside other tests'.
    NameResolverRegistry.getDefaultRegistry()
        .register(XdsNameResolverProvider.createForTest(ZONE_A, bootstrap("a")));
    NameResolverRegistry.getDefaultRegistry()
        .register(XdsNameResolverProvider.createForTest(ZONE_B, bootstrap("b")));
  }

  @SuppressWarnings("unchecked")
  private static Map<String, ?> bootstrap(String zone) throws Exception {
    String json =
        """
        {"xds_servers":[{"server_uri":"127.0.0.1:%d","channel_creds":[{"type":"insecure"}],
          "server_features":["xds_v3"]}],
         "node":{"id":"locality-%s","locality":{"region":"eu","zone":"%s"}}}"""
            .formatted(xds.port(), zone, zone);
    return (Map<String, ?>) io.grpc.internal.JsonParser.parse(json);
  }

  @AfterAll
  static void stopCairn() {
    xds.close();
    registry.close();
  }

  @AfterEach
  void stop() throws Exception {
    for (ManagedChannel c : channels) {
      c.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
    for (Backend b : backends) {
      b.close();
    }
  }

  /** A backend answering with {@code zone}, registered in it with a passing TTL check. */
  private void backend(String service, String zone) throws Exception {
    Backend backend = new Backend(zone);
    backends.add(backend);
    String id = service + "-" + zone;
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(id, service)
                .address("127.0.0.1")
                .port(backend.port())
                .locality(Optional.of(new Locality("eu", zone)))
                .build()));
    registry.apply(
        new RegisterCheck(
            HealthCheck.of(
                "ttl-" + id,
                "ttl",
                id,
                new TtlCheck(Duration.ofMinutes(10)),
                HealthStatus.PASSING)));
  }

  private static ServiceResolver prioritizing(String service) {
    return ServiceResolver.builder(service).prioritizeByLocality(true).build();
  }

  private ManagedChannel channel(String scheme, String service) {
    ManagedChannel c =
        Grpc.newChannelBuilder(scheme + ":///" + service, InsecureChannelCredentials.create())
            .build();
    channels.add(c);
    return c;
  }

  /** Which zone's backend each of {@code n} calls reached. */
  private static Map<String, Integer> calls(ManagedChannel channel, int n) {
    Map<String, Integer> out = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      out.merge(Backend.call(channel), 1, Integer::sum);
    }
    return out;
  }

  @Test
  void eachClientCallsItsOwnZoneAndFailsOverToTheOtherOnlyWhileItsOwnIsCritical() throws Exception {
    // grpc-java shares an xDS client per target name: each client calls a service of its own,
    // with backends in the same two zones.
    for (String service : List.of("near-a", "near-b")) {
      backend(service, "a");
      backend(service, "b");
      registry.apply(PutConfigEntry.of(prioritizing(service)));
    }
    ManagedChannel inA = channel(ZONE_A, "near-a");
    ManagedChannel inB = channel(ZONE_B, "near-b");
    await().ignoreExceptions().atMost(WAIT).until(() -> calls(inA, 20).equals(Map.of("a", 20)));
    await().ignoreExceptions().atMost(WAIT).until(() -> calls(inB, 20).equals(Map.of("b", 20)));
    // Round robin over both zones would reach b: every call stays in zone a.
    assertThat(calls(inA, 200)).isEqualTo(Map.of("a", 200));
    assertThat(calls(inB, 200)).isEqualTo(Map.of("b", 200));

    registry.apply(new UpdateCheck("ttl-near-a-a", HealthStatus.CRITICAL, "down"));
    await().ignoreExceptions().atMost(WAIT).until(() -> calls(inA, 20).equals(Map.of("b", 20)));
    assertThat(calls(inA, 100)).isEqualTo(Map.of("b", 100));

    registry.apply(new UpdateCheck("ttl-near-a-a", HealthStatus.PASSING, "up"));
    await().ignoreExceptions().atMost(WAIT).until(() -> calls(inA, 20).equals(Map.of("a", 20)));
    assertThat(calls(inA, 100)).isEqualTo(Map.of("a", 100));
    assertThat(calls(inB, 100)).isEqualTo(Map.of("b", 100));
  }
}
