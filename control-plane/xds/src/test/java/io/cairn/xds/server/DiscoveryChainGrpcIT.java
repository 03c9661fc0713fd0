package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.SetMaintenance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.config.HeaderMatch;
import io.cairn.registry.config.HttpRouteMatch;
import io.cairn.registry.config.MatchType;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.RouteDestination;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.TtlCheck;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.NameResolverRegistry;
import io.grpc.internal.JsonParser;
import io.grpc.stub.MetadataUtils;
import io.grpc.xds.XdsNameResolverProvider;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The discovery chain as grpc-java's own xDS resolver sees it, over sockets to real backends:
 * failover while every primary instance is down and back, a redirect, and routes and splits that go
 * through another service's splitter.
 */
class DiscoveryChainGrpcIT {
  // grpc-java makes one xDS client per target from the first bootstrap it reads: this class's
  // channels use a scheme of their own, so they never share ProxylessGrpcIT's.
  private static final String SCHEME = "xds-chain";

  @TempDir static Path dir;
  private static Registry registry;
  private static XdsServer xds;

  private final List<AutoCloseable> opened = new ArrayList<>();

  @BeforeAll
  @SuppressWarnings("unchecked")
  static void startCairn() throws Exception {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    xds =
        XdsServer.start(
            XdsSettings.loopback(0),
            Core.of(registry, new SimpleMeterRegistry()),
            io.cairn.ca.MeshCa.start(registry, "dc1", java.time.Clock.systemUTC()),
            Optional.empty());
    Map<String, ?> bootstrap =
        (Map<String, ?>)
            JsonParser.parse(
                """
                {"xds_servers":[{"server_uri":"127.0.0.1:%d","channel_creds":[{"type":"insecure"}],
                  "server_features":["xds_v3"]}],
                 "node":{"id":"chain-test","locality":{"zone":"z"}}}"""
                    .formatted(xds.port()));
    NameResolverRegistry.getDefaultRegistry()
        .register(XdsNameResolverProvider.createForTest(SCHEME, bootstrap));
  }

  @AfterAll
  static void stopCairn() {
    xds.close();
    registry.close();
  }

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : opened.reversed()) {
      c.close();
    }
  }

  private ManagedChannel channel(String service) {
    ManagedChannel channel =
        Grpc.newChannelBuilder(SCHEME + ":///" + service, InsecureChannelCredentials.create())
            .build();
    opened.add(() -> channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return channel;
  }

  /** A backend answering with {@code name}, registered as an instance of {@code service}. */
  private void backend(String service, String id, String name, String version, HealthCheck... c)
      throws Exception {
    Backend b = new Backend(name);
    opened.add(b);
    registry.apply(
        new RegisterInstance(
            ServiceInstance.builder(id, service)
                .address("127.0.0.1")
                .port(b.port())
                .meta(Map.of("version", version))
                .build(),
            List.of(c),
            false));
  }

  private static Map<String, Integer> calls(Channel channel, int n) {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(Backend.call(channel), 1, Integer::sum);
    }
    return counts;
  }

  private static void awaitOnly(Channel channel, Set<String> backends) {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> calls(channel, 40).keySet().equals(backends));
  }

  private static ServiceResolver resolver(
      String name, Optional<ServiceTarget> redirect, Map<String, List<ServiceTarget>> failover) {
    return ServiceResolver.builder(name).redirect(redirect).failover(failover).build();
  }

  @Test
  void callsFailOverWhileEveryPrimaryInstanceIsDownAndComeBackWithIt() throws Exception {
    HealthCheck ttl =
        HealthCheck.of(
            "echo-2-ttl", "ttl", "echo-2", new TtlCheck(Duration.ofHours(1)), HealthStatus.PASSING);
    backend("echo", "echo-1", "echo-1", "v1");
    backend("echo", "echo-2", "echo-2", "v1", ttl);
    backend("echob", "echob-1", "echob", "v1");
    registry.apply(
        PutConfigEntry.of(
            resolver(
                "echo", Optional.empty(), Map.of("*", List.of(new ServiceTarget("echob", ""))))));
    Channel channel = channel("echo");
    awaitOnly(channel, Set.of("echo-1", "echo-2"));

    registry.apply(SetMaintenance.enable("echo-1", "drain"));
    registry.apply(new UpdateCheck("echo-2-ttl", HealthStatus.CRITICAL, "down"));
    awaitOnly(channel, Set.of("echob"));
    assertThat(calls(channel, 100)).isEqualTo(Map.of("echob", 100));

    registry.apply(SetMaintenance.disable("echo-1"));
    registry.apply(new UpdateCheck("echo-2-ttl", HealthStatus.PASSING, "up"));
    awaitOnly(channel, Set.of("echo-1", "echo-2"));
  }

  @Test
  void callsToARedirectedServiceReachItsTarget() throws Exception {
    backend("new", "new-1", "new", "v1");
    registry.apply(
        PutConfigEntry.of(resolver("old", Optional.of(new ServiceTarget("new", "")), Map.of())));

    Channel channel = channel("old");

    awaitOnly(channel, Set.of("new"));
    assertThat(calls(channel, 50)).isEqualTo(Map.of("new", 50));
  }

  @Test
  void routesAndSplitsToAnotherServiceHonourItsSplitter() throws Exception {
    backend("back", "back-1", "back-v1", "v1");
    backend("back", "back-2", "back-v2", "v2");
    backend("back", "back-3", "back-v3", "v3");
    backend("front", "front-1", "front", "v1");
    for (String s : List.of("front", "back")) {
      registry.apply(PutConfigEntry.of(new ServiceDefaults(s, Protocol.GRPC, Map.of())));
    }
    registry.apply(MeshConfig.versionSubsets("back"));
    // back sends everything to v2; front's catch-all splits to back, a header routes to back.
    registry.apply(
        PutConfigEntry.of(
            new ServiceSplitter(
                "back", List.of(new Split(100, new ServiceTarget("", "v2"))), Map.of())));
    registry.apply(
        PutConfigEntry.of(
            new ServiceSplitter(
                "front", List.of(new Split(100, new ServiceTarget("back", ""))), Map.of())));
    Route toBack =
        new Route(
            new HttpRouteMatch(
                Optional.empty(),
                List.of(new HeaderMatch("x-route", MatchType.EXACT, "back", false)),
                List.of(),
                List.of()),
            RouteDestination.to(new ServiceTarget("back", "")));
    registry.apply(PutConfigEntry.of(new ServiceRouter("front", List.of(toBack), Map.of())));
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-route", Metadata.ASCII_STRING_MARSHALLER), "back");
    Channel front = channel("front");
    Channel routed =
        ClientInterceptors.intercept(front, MetadataUtils.newAttachHeadersInterceptor(headers));

    awaitOnly(front, Set.of("back-v2"));
    awaitOnly(routed, Set.of("back-v2"));
    assertThat(calls(front, 100)).isEqualTo(Map.of("back-v2", 100));
    assertThat(calls(routed, 100)).isEqualTo(Map.of("back-v2", 100));
  }
}
