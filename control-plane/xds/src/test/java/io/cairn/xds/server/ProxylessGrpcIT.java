package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.HeaderMatch;
import io.cairn.registry.config.HttpRouteMatch;
import io.cairn.registry.config.MatchType;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.RouteDestination;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.io.TempDir;

/**
 * grpc-java's own xDS resolver ({@code xds:///api}) against Cairn over a socket, calling real local
 * backends: splits, subsets, router matches and deregistration as a proxyless client sees them.
 */
class ProxylessGrpcIT {
  // grpc-java keeps one xDS client per JVM, made from the first bootstrap it reads: one Cairn
  // serves every test, and each test uses a service of its own.
  @TempDir static Path dir;
  private static Registry registry;
  private static XdsServer xds;

  private Backend v1;
  private Backend v2;
  private ManagedChannel channel;
  private String service;

  @BeforeAll
  static void startCairn() {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    xds =
        CheckedXds.start(
            XdsSettings.loopback(0),
            Core.of(registry, new SimpleMeterRegistry()),
            Optional.empty());
    System.setProperty(
        "io.grpc.xds.bootstrapConfig",
        """
        {"xds_servers":[{"server_uri":"127.0.0.1:%d","channel_creds":[{"type":"insecure"}],
          "server_features":["xds_v3"]}],
         "node":{"id":"proxyless-test","locality":{"zone":"z"}}}"""
            .formatted(xds.port()));
  }

  @AfterAll
  static void stopCairn() {
    xds.close();
    registry.close();
  }

  @BeforeEach
  void start(TestInfo test) throws Exception {
    service = "api-" + test.getTestMethod().orElseThrow().getName().toLowerCase().substring(0, 12);
    v1 = new Backend("v1");
    v2 = new Backend("v2");
    register(service + "-1", v1.port(), "v1");
    register(service + "-2", v2.port(), "v2");
    channel =
        Grpc.newChannelBuilder("xds:///" + service, InsecureChannelCredentials.create()).build();
  }

  @AfterEach
  void stop() throws Exception {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    v1.close();
    v2.close();
  }

  private void register(String id, int port, String version) {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(id, service)
                .address("127.0.0.1")
                .port(port)
                .meta(Map.of("version", version))
                .build()));
  }

  private void subsets() {
    registry.apply(PutConfigEntry.of(new ServiceDefaults(service, Protocol.GRPC, Map.of())));
    registry.apply(MeshConfig.versionSubsets(service));
  }

  private static Map<String, Integer> calls(Channel channel, int n) {
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < n; i++) {
      counts.merge(Backend.call(channel), 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void callsReachEveryInstanceAndStopReachingADeregisteredOne() {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .until(() -> calls(channel, 50).keySet().equals(java.util.Set.of("v1", "v2")));
    registry.apply(new DeregisterInstance(service + "-2"));
    await().atMost(Duration.ofSeconds(10)).until(() -> calls(channel, 20).equals(Map.of("v1", 20)));
    assertThat(calls(channel, 200)).isEqualTo(Map.of("v1", 200));
  }

  @Test
  void aNinetyTenSplitSendsRoughlyNinetyTenOfTwoThousandCalls() {
    subsets();
    registry.apply(MeshConfig.canary(service, 90));
    // Wait for the split to arrive: both subsets answer.
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .until(() -> calls(channel, 100).keySet().equals(java.util.Set.of("v1", "v2")));
    Map<String, Integer> counts = calls(channel, 2000);
    assertThat(counts.get("v2")).as(counts.toString()).isBetween(120, 280);
    assertThat(counts.get("v1") + counts.get("v2")).isEqualTo(2000);
  }

  @Test
  void aRouterMatchSendsHeaderMatchedCallsToTheCanary() {
    subsets();
    Route canary =
        new Route(
            new HttpRouteMatch(
                Optional.empty(),
                List.of(new HeaderMatch("x-canary", MatchType.EXACT, "1", false)),
                List.of(),
                List.of()),
            new RouteDestination(
                new ServiceTarget("", "v2"), "", Optional.empty(), 0, false, List.of(), List.of()));
    registry.apply(PutConfigEntry.of(new ServiceRouter(service, List.of(canary), Map.of())));
    registry.apply(
        PutConfigEntry.of(
            new ServiceSplitter(
                service, List.of(new Split(100, new ServiceTarget("", "v1"))), Map.of())));
    Metadata headers = new Metadata();
    headers.put(Metadata.Key.of("x-canary", Metadata.ASCII_STRING_MARSHALLER), "1");
    Channel canaryChannel =
        ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
    await().atMost(Duration.ofSeconds(20)).until(() -> calls(channel, 50).equals(Map.of("v1", 50)));
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(10))
        .until(() -> calls(canaryChannel, 50).equals(Map.of("v2", 50)));
  }

  @Test
  void acksAreTrackedAndResolversWithRandomOrMaglevAreAcceptedAndServe() {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .until(() -> calls(channel, 20).keySet().equals(java.util.Set.of("v1", "v2")));
    assertThat(proxy().acked().keySet())
        .contains(
            "type.googleapis.com/envoy.config.listener.v3.Listener",
            "type.googleapis.com/envoy.config.route.v3.RouteConfiguration",
            "type.googleapis.com/envoy.config.cluster.v3.Cluster",
            "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment");

    // A lookahead is valid Java but not RE2, which gRPC runs: refused when written, never sent.
    subsets();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> new io.cairn.registry.config.PathMatch(MatchType.REGEX, "/(?=x).*"))
        .hasMessageContaining("RE2");
    // gRPC clients reject a cluster with the random or maglev policy: they are sent the nearest
    // policy they have (round robin, ring hash), ACK it and keep reaching both instances. Ring
    // hash bounds and least-request choices are accepted too.
    String cluster = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
    record Balancing(
        io.cairn.registry.config.LoadBalancerPolicy policy,
        Optional<io.cairn.registry.config.RingHashConfig> ring,
        Optional<io.cairn.registry.config.LeastRequestConfig> least) {}
    int step = 0;
    for (Balancing b :
        List.of(
            new Balancing(
                io.cairn.registry.config.LoadBalancerPolicy.RANDOM,
                Optional.empty(),
                Optional.empty()),
            new Balancing(
                io.cairn.registry.config.LoadBalancerPolicy.MAGLEV,
                Optional.empty(),
                Optional.empty()),
            new Balancing(
                io.cairn.registry.config.LoadBalancerPolicy.RING_HASH,
                Optional.of(
                    new io.cairn.registry.config.RingHashConfig(
                        Optional.of(64L), Optional.of(1024L))),
                Optional.empty()),
            new Balancing(
                io.cairn.registry.config.LoadBalancerPolicy.LEAST_REQUEST,
                Optional.empty(),
                Optional.of(new io.cairn.registry.config.LeastRequestConfig(3))))) {
      String before = proxy().acked().get(cluster);
      // A connect timeout of its own makes every step change the cluster: random is sent as the
      // round robin the cluster already had, and an unchanged cluster is never pushed again.
      Duration timeout = Duration.ofMillis(1000 + step++);
      registry.apply(
          PutConfigEntry.of(
              io.cairn.registry.config.ServiceResolver.builder(service)
                  .connectTimeout(Optional.of(timeout))
                  .loadBalancer(Optional.of(b.policy()))
                  .ringHashConfig(b.ring())
                  .leastRequestConfig(b.least())
                  .build()));
      await(b + " acked")
          .atMost(Duration.ofSeconds(20))
          .until(() -> !proxy().acked().get(cluster).equals(before));
      assertThat(proxy().lastNack()).as(b + " is accepted").isEmpty();
      // Ring hash without a hash policy hashes each call at random: both are reached.
      await()
          .ignoreExceptions()
          .atMost(Duration.ofSeconds(20))
          .until(() -> calls(channel, 40).keySet().equals(java.util.Set.of("v1", "v2")));
    }
  }

  @Test
  void ringHashHashesTheHeaderTheResolverNamesAndSourceIpKeepsAChannelOnOneBackend() {
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(20))
        .until(() -> calls(channel, 20).keySet().equals(java.util.Set.of("v1", "v2")));
    String routes = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
    String before = proxy().acked().get(routes);
    registry.apply(
        PutConfigEntry.of(
            hashing(List.of(io.cairn.registry.config.HashPolicy.header("x-user", true)))));
    await("routes with the hash policy acked")
        .atMost(Duration.ofSeconds(20))
        .until(() -> !proxy().acked().get(routes).equals(before));
    assertThat(proxy().lastNack()).isEmpty();
    // Each user's calls stay on one backend; 24 users spread over both.
    Map<String, String> backendOf = new TreeMap<>();
    for (int user = 0; user < 24; user++) {
      Metadata headers = new Metadata();
      headers.put(Metadata.Key.of("x-user", Metadata.ASCII_STRING_MARSHALLER), "user-" + user);
      Channel keyed =
          ClientInterceptors.intercept(channel, MetadataUtils.newAttachHeadersInterceptor(headers));
      Map<String, Integer> counts = calls(keyed, 10);
      assertThat(counts).as("user-" + user).hasSize(1);
      backendOf.put("user-" + user, counts.keySet().iterator().next());
    }
    assertThat(java.util.Set.copyOf(backendOf.values()))
        .as(backendOf.toString())
        .containsExactlyInAnyOrder("v1", "v2");

    // SourceIP is the channel id for gRPC: every call of one channel reaches one backend.
    String hashed = proxy().acked().get(routes);
    registry.apply(
        PutConfigEntry.of(hashing(List.of(io.cairn.registry.config.HashPolicy.sourceIp(false)))));
    await("routes hashing the channel acked")
        .atMost(Duration.ofSeconds(20))
        .until(() -> !proxy().acked().get(routes).equals(hashed));
    assertThat(proxy().lastNack()).isEmpty();
    assertThat(calls(channel, 60)).hasSize(1);
  }

  private io.cairn.registry.config.ServiceResolver hashing(
      List<io.cairn.registry.config.HashPolicy> policies) {
    return io.cairn.registry.config.ServiceResolver.builder(service)
        .loadBalancer(Optional.of(io.cairn.registry.config.LoadBalancerPolicy.RING_HASH))
        .hashPolicies(policies)
        .build();
  }

  private static ProxyStatus proxy() {
    return xds.proxies().stream()
        .filter(p -> p.nodeId().equals("proxyless-test"))
        .findFirst()
        .orElseThrow();
  }
}
