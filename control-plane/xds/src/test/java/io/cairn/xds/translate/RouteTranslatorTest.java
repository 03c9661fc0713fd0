package io.cairn.xds.translate;

import static io.cairn.xds.pgv.ValidResources.valid;
import static io.cairn.xds.pgv.ValidResources.validForGrpc;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.util.Durations;
import io.cairn.registry.chain.ChainCompiler;
import io.cairn.registry.chain.CompiledChain;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.config.HashPolicy;
import io.cairn.registry.config.HeaderMatch;
import io.cairn.registry.config.HttpRouteMatch;
import io.cairn.registry.config.LoadBalancerPolicy;
import io.cairn.registry.config.MatchType;
import io.cairn.registry.config.PathMatch;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.RouteDestination;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RetryPolicy;
import io.envoyproxy.envoy.config.route.v3.RouteAction;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTranslatorTest {
  /** The routes of {@code service}'s chain compiled from just these entries. */
  private static RouteConfiguration translate(
      String routeName,
      String service,
      List<String> domains,
      Optional<ServiceRouter> router,
      Optional<ServiceSplitter> splitter,
      RouteClient client) {
    Map<ConfigEntryKey, ConfigEntry> entries = new HashMap<>();
    router.ifPresent(r -> entries.put(r.key(), r));
    splitter.ifPresent(s -> entries.put(s.key(), s));
    CompiledChain chain =
        ChainCompiler.compile(
            service,
            (kind, name) -> Optional.ofNullable(entries.get(new ConfigEntryKey(kind, name))));
    RouteConfiguration rc = RouteTranslator.translate(routeName, chain, domains, client);
    // What proxyless clients get must pass their own checks too.
    return client == RouteClient.GRPC ? validForGrpc(rc) : rc;
  }

  private static CompiledChain chain(String service, ConfigEntry... given) {
    Map<ConfigEntryKey, ConfigEntry> entries = new HashMap<>();
    for (ConfigEntry e : given) {
      entries.put(e.key(), e);
    }
    return ChainCompiler.compile(
        service, (kind, name) -> Optional.ofNullable(entries.get(new ConfigEntryKey(kind, name))));
  }

  private static ServiceResolver hashing(String name, List<HashPolicy> policies) {
    return ServiceResolver.builder(name)
        .loadBalancer(Optional.of(LoadBalancerPolicy.RING_HASH))
        .hashPolicies(policies)
        .build();
  }

  private static final List<HashPolicy> EVERY_KIND =
      List.of(
          HashPolicy.header("x-user", true),
          new HashPolicy(
              Optional.of(HashPolicy.Field.COOKIE),
              "sticky",
              Optional.of(
                  new HashPolicy.CookieConfig(false, Optional.of(Duration.ofHours(1)), "/app")),
              false,
              false),
          new HashPolicy(
              Optional.of(HashPolicy.Field.COOKIE),
              "session",
              Optional.of(new HashPolicy.CookieConfig(true, Optional.empty(), "")),
              false,
              false),
          new HashPolicy(
              Optional.of(HashPolicy.Field.QUERY_PARAMETER),
              "user",
              Optional.empty(),
              false,
              false),
          HashPolicy.sourceIp(false));

  @Test
  void envoyHashesWhatTheResolverSaysAsConsulSendsIt() {
    RouteConfiguration rc =
        valid(
            RouteTranslator.translate(
                "api", chain("api", hashing("api", EVERY_KIND)), List.of("*"), RouteClient.ENVOY));
    List<RouteAction.HashPolicy> hp =
        rc.getVirtualHosts(0).getRoutes(0).getRoute().getHashPolicyList();
    assertThat(hp).hasSize(5);
    assertThat(hp.get(0).getHeader().getHeaderName()).isEqualTo("x-user");
    assertThat(hp.get(0).getTerminal()).isTrue();
    assertThat(hp.get(1).getCookie().getName()).isEqualTo("sticky");
    assertThat(hp.get(1).getCookie().getPath()).isEqualTo("/app");
    assertThat(hp.get(1).getCookie().getTtl()).isEqualTo(Durations.fromSeconds(3600));
    // Envoy makes a session cookie from a TTL that is present and zero.
    assertThat(hp.get(2).getCookie().hasTtl()).isTrue();
    assertThat(hp.get(2).getCookie().getTtl()).isEqualTo(Durations.fromSeconds(0));
    assertThat(hp.get(3).getQueryParameter().getName()).isEqualTo("user");
    assertThat(hp.get(4).getConnectionProperties().getSourceIp()).isTrue();
    assertThat(hp.get(4).getTerminal()).isFalse();
  }

  @Test
  void grpcGetsHeadersAndTheChannelIdForSourceIpAndNothingItCannotHash() {
    RouteConfiguration rc =
        validForGrpc(
            RouteTranslator.translate(
                "api", chain("api", hashing("api", EVERY_KIND)), List.of("api"), RouteClient.GRPC));
    List<RouteAction.HashPolicy> hp =
        rc.getVirtualHosts(0).getRoutes(0).getRoute().getHashPolicyList();
    assertThat(hp).hasSize(2);
    assertThat(hp.get(0).getHeader().getHeaderName()).isEqualTo("x-user");
    assertThat(hp.get(1).getFilterState().getKey()).isEqualTo("io.grpc.channel_id");
  }

  @Test
  void routesAndSplitsTakeTheHashPoliciesOfTheResolverTheyReach() {
    ServiceRouter router =
        new ServiceRouter(
            "web",
            List.of(
                new Route(
                    HttpRouteMatch.pathPrefix("/api"),
                    RouteDestination.to(new ServiceTarget("api", "")))),
            Map.of());
    ServiceSplitter split =
        new ServiceSplitter(
            "web",
            List.of(
                new Split(50, new ServiceTarget("web", "")),
                new Split(50, new ServiceTarget("api", ""))),
            Map.of());
    RouteConfiguration rc =
        valid(
            RouteTranslator.translate(
                "web",
                chain(
                    "web",
                    router,
                    split,
                    hashing("api", List.of(HashPolicy.header("x-api", false)))),
                List.of("*"),
                RouteClient.ENVOY));
    List<io.envoyproxy.envoy.config.route.v3.Route> routes = rc.getVirtualHosts(0).getRoutesList();
    assertThat(routes.get(0).getRoute().getCluster()).isEqualTo("api");
    assertThat(routes.get(0).getRoute().getHashPolicy(0).getHeader().getHeaderName())
        .isEqualTo("x-api");
    // web's own resolver hashes nothing; the split takes api's policies, as Consul does.
    assertThat(routes.get(1).getRoute().getWeightedClusters().getClustersCount()).isEqualTo(2);
    assertThat(routes.get(1).getRoute().getHashPolicy(0).getHeader().getHeaderName())
        .isEqualTo("x-api");
    RouteConfiguration plain =
        valid(
            RouteTranslator.translate(
                "web", chain("web", router), List.of("*"), RouteClient.ENVOY));
    assertThat(plain.getVirtualHosts(0).getRoutes(0).getRoute().getHashPolicyCount()).isZero();
  }

  private static final ServiceSplitter CANARY =
      new ServiceSplitter(
          "api",
          List.of(
              new Split(90, new ServiceTarget("", "v1")),
              new Split(10, new ServiceTarget("", "v2")),
              new Split(0, new ServiceTarget("", "v3"))),
          Map.of());

  @Test
  void withoutEntriesEverythingGoesToTheServiceCluster() {
    RouteConfiguration rc =
        valid(
            translate(
                "api",
                "api",
                List.of("api"),
                Optional.empty(),
                Optional.empty(),
                RouteClient.GRPC));
    VirtualHost host = rc.getVirtualHosts(0);
    assertThat(rc.getName()).isEqualTo("api");
    assertThat(host.getDomainsList()).containsExactly("api");
    assertThat(host.getRoutesList()).hasSize(1);
    assertThat(host.getRoutes(0).getMatch().getPrefix()).isEqualTo("/");
    assertThat(host.getRoutes(0).getRoute().getCluster()).isEqualTo("api");
  }

  @Test
  void aSplitterBecomesWeightedClustersInBasisPointsWithoutZeroWeights() {
    RouteConfiguration rc =
        valid(
            translate(
                "api",
                "api",
                List.of("api"),
                Optional.empty(),
                Optional.of(CANARY),
                RouteClient.GRPC));
    assertThat(
            rc.getVirtualHosts(0).getRoutes(0).getRoute().getWeightedClusters().getClustersList())
        .extracting(c -> c.getName(), c -> c.getWeight().getValue())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("v1.api", 9000),
            org.assertj.core.groups.Tuple.tuple("v2.api", 1000));
  }

  @Test
  void routerRoutesComeFirstWithMatchesTimeoutsAndRetries() {
    Route canaryByHeader =
        new Route(
            new HttpRouteMatch(
                Optional.of(new PathMatch(MatchType.PREFIX, "/orders")),
                List.of(new HeaderMatch("x-canary", MatchType.EXACT, "1", false)),
                List.of(),
                List.of("GET", "POST")),
            new RouteDestination(
                new ServiceTarget("", "v2"),
                "",
                Optional.of(Duration.ofMillis(1500)),
                3,
                true,
                List.of(503),
                List.of()));
    RouteConfiguration rc =
        valid(
            translate(
                "api",
                "api",
                List.of("api"),
                Optional.of(new ServiceRouter("api", List.of(canaryByHeader), Map.of())),
                Optional.of(CANARY),
                RouteClient.ENVOY));
    var routes = rc.getVirtualHosts(0).getRoutesList();
    assertThat(routes).hasSize(2);
    var first = routes.get(0);
    assertThat(first.getMatch().getPrefix()).isEqualTo("/orders");
    assertThat(first.getMatch().getHeadersList())
        .extracting(h -> h.getName(), h -> h.getStringMatch().getExact())
        .contains(org.assertj.core.groups.Tuple.tuple("x-canary", "1"));
    assertThat(first.getMatch().getHeaders(1).getStringMatch().getSafeRegex().getRegex())
        .isEqualTo("\\QGET\\E|\\QPOST\\E");
    assertThat(first.getRoute().getCluster()).isEqualTo("v2.api");
    assertThat(first.getRoute().getTimeout().getNanos()).isEqualTo(500_000_000);
    assertThat(first.getRoute().getRetryPolicy().getRetryOn())
        .isEqualTo("connect-failure,retriable-status-codes");
    assertThat(first.getRoute().getRetryPolicy().getNumRetries().getValue()).isEqualTo(3);
    assertThat(first.getRoute().getRetryPolicy().getRetriableStatusCodesList())
        .containsExactly(503);
    assertThat(routes.get(1).getRoute().hasWeightedClusters())
        .as("the split is the fallback")
        .isTrue();
  }

  @Test
  void totalWeightIsAlwaysSetAndTheWeightsAddUpToIt() {
    for (RouteClient client : RouteClient.values()) {
      WeightedCluster split =
          translate("api", "api", List.of("api"), Optional.empty(), Optional.of(CANARY), client)
              .getVirtualHosts(0)
              .getRoutes(0)
              .getRoute()
              .getWeightedClusters();
      assertThat(split.hasTotalWeight()).as("older clients assume 100 without it").isTrue();
      assertThat(split.getTotalWeight().getValue()).isEqualTo(10000);
      assertThat(split.getClustersList().stream().mapToInt(c -> c.getWeight().getValue()).sum())
          .isEqualTo(10000);
    }
    // Thirds: 33.33 + 33.33 + 33.34, still exactly 10000.
    ServiceSplitter thirds =
        new ServiceSplitter(
            "api",
            List.of(
                new Split(33.33, new ServiceTarget("a", "")),
                new Split(33.33, new ServiceTarget("b", "")),
                new Split(33.34, new ServiceTarget("c", ""))),
            Map.of());
    WeightedCluster split =
        valid(
                translate(
                    "api",
                    "api",
                    List.of("api"),
                    Optional.empty(),
                    Optional.of(thirds),
                    RouteClient.GRPC))
            .getVirtualHosts(0)
            .getRoutes(0)
            .getRoute()
            .getWeightedClusters();
    assertThat(split.getClustersList())
        .extracting(c -> c.getWeight().getValue())
        .containsExactly(3333, 3333, 3334);
    assertThat(split.getTotalWeight().getValue()).isEqualTo(10000);
  }

  private static RouteAction routed(RouteDestination destination, RouteClient client) {
    Route route = new Route(HttpRouteMatch.pathPrefix("/x"), destination);
    return valid(
            translate(
                "api",
                "api",
                List.of("api"),
                Optional.of(new ServiceRouter("api", List.of(route), Map.of())),
                Optional.empty(),
                client))
        .getVirtualHosts(0)
        .getRoutes(0)
        .getRoute();
  }

  private static RouteDestination retries(
      int numRetries, boolean connectFailure, List<Integer> codes, List<String> retryOn) {
    return new RouteDestination(
        new ServiceTarget("", ""),
        "",
        Optional.empty(),
        numRetries,
        connectFailure,
        codes,
        retryOn);
  }

  @Test
  void retryConditionsWithoutNumRetriesLeaveTheCountToTheClientNeverZero() {
    for (RouteClient client : RouteClient.values()) {
      RetryPolicy policy = routed(retries(0, true, List.of(), List.of()), client).getRetryPolicy();
      assertThat(policy.hasNumRetries())
          .as("%s: unset means the default (1); 0 means no retry, and grpc-go rejects it", client)
          .isFalse();
      assertThat(
              routed(retries(0, false, List.of(503), List.of()), client)
                  .getRetryPolicy()
                  .hasNumRetries())
          .isFalse();
      assertThat(
              routed(retries(2, false, List.of(), List.of("reset")), client)
                  .getRetryPolicy()
                  .getNumRetries()
                  .getValue())
          .isEqualTo(2);
      assertThat(routed(RouteDestination.to(new ServiceTarget("", "")), client).hasRetryPolicy())
          .isFalse();
    }
  }

  @Test
  void envoyGetsHttpConditionsAsConsulSendsThem() {
    RetryPolicy policy =
        routed(
                retries(3, true, List.of(503, 429), List.of("connect-failure", "reset")),
                RouteClient.ENVOY)
            .getRetryPolicy();
    assertThat(policy.getRetryOn()).isEqualTo("connect-failure,reset,retriable-status-codes");
    assertThat(policy.getRetriableStatusCodesList()).containsExactly(503, 429);
    assertThat(
            routed(retries(3, false, List.of(), List.of()), RouteClient.ENVOY)
                .getRetryPolicy()
                .getRetryOn())
        .isEqualTo("5xx");
  }

  @Test
  void grpcGetsStatusNamesOnly() {
    assertThat(
            routed(
                    retries(3, true, List.of(503, 400, 404), List.of("5xx", "cancelled")),
                    RouteClient.GRPC)
                .getRetryPolicy())
        .satisfies(
            p -> {
              assertThat(p.getRetryOn()).isEqualTo("unavailable,cancelled,internal");
              assertThat(p.getRetriableStatusCodesList()).isEmpty();
            });
    assertThat(
            routed(retries(3, false, List.of(), List.of()), RouteClient.GRPC)
                .getRetryPolicy()
                .getRetryOn())
        .isEqualTo("unavailable");
    assertThat(
            routed(
                    retries(3, false, List.of(404), List.of("retriable-4xx", "envoy-ratelimited")),
                    RouteClient.GRPC)
                .hasRetryPolicy())
        .as("nothing gRPC can retry on: no policy")
        .isFalse();
  }

  @Test
  void proxylessRoutesCarryTheTimeoutAsMaxStreamDuration() {
    RouteDestination timed =
        new RouteDestination(
            new ServiceTarget("", ""),
            "",
            Optional.of(Duration.ofMillis(1500)),
            0,
            false,
            List.of(),
            List.of());
    RouteAction grpc = routed(timed, RouteClient.GRPC);
    assertThat(Durations.toMillis(grpc.getMaxStreamDuration().getMaxStreamDuration()))
        .isEqualTo(1500);
    assertThat(Durations.toMillis(grpc.getTimeout())).isEqualTo(1500);
    RouteAction envoy = routed(timed, RouteClient.ENVOY);
    assertThat(envoy.hasMaxStreamDuration()).isFalse();
    assertThat(Durations.toMillis(envoy.getTimeout())).isEqualTo(1500);
  }

  @Test
  void theApiListenerUsesAdsForRoutesAndEndsWithTheRouter() throws InvalidProtocolBufferException {
    Listener listener = validForGrpc(ListenerTranslator.apiListener("api", "api"));
    HttpConnectionManager hcm =
        listener.getApiListener().getApiListener().unpack(HttpConnectionManager.class);
    assertThat(listener.getName()).isEqualTo("api");
    assertThat(hcm.getRds().getRouteConfigName()).isEqualTo("api");
    assertThat(hcm.getRds().getConfigSource().hasAds()).isTrue();
    assertThat(hcm.getHttpFiltersList())
        .last()
        .extracting(f -> f.getName())
        .isEqualTo("envoy.filters.http.router");
  }
}
