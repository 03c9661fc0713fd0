package io.cairn.xds.translate;

import static io.cairn.xds.pgv.ValidResources.valid;
import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.InvalidProtocolBufferException;
import io.cairn.registry.config.HeaderMatch;
import io.cairn.registry.config.HttpRouteMatch;
import io.cairn.registry.config.MatchType;
import io.cairn.registry.config.PathMatch;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.RouteDestination;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class RouteTranslatorTest {
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
            RouteTranslator.translate(
                "api", "api", List.of("api"), Optional.empty(), Optional.empty()));
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
            RouteTranslator.translate(
                "api", "api", List.of("api"), Optional.empty(), Optional.of(CANARY)));
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
            RouteTranslator.translate(
                "api",
                "api",
                List.of("api"),
                Optional.of(new ServiceRouter("api", List.of(canaryByHeader), Map.of())),
                Optional.of(CANARY)));
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
  void theApiListenerUsesAdsForRoutesAndEndsWithTheRouter() throws InvalidProtocolBufferException {
    Listener listener = valid(ListenerTranslator.apiListener("api", "api"));
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
