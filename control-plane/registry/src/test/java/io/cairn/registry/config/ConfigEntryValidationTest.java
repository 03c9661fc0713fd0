package io.cairn.registry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.registry.validation.Problem;
import io.cairn.registry.validation.ValidationException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ConfigEntryValidationTest {
  private static ServiceTarget subset(String s) {
    return new ServiceTarget("", s);
  }

  private static ServiceResolver balanced(
      LoadBalancerPolicy policy,
      Optional<RingHashConfig> ring,
      Optional<LeastRequestConfig> least) {
    return ServiceResolver.builder("web")
        .loadBalancer(Optional.of(policy))
        .ringHashConfig(ring)
        .leastRequestConfig(least)
        .build();
  }

  @Test
  void loadBalancerSettingsMustFitThePolicyAndEnvoysBounds() {
    Optional<RingHashConfig> ring =
        Optional.of(new RingHashConfig(Optional.of(8L), Optional.empty()));
    Optional<LeastRequestConfig> least = Optional.of(new LeastRequestConfig(3));
    assertThat(balanced(LoadBalancerPolicy.RING_HASH, ring, Optional.empty()).ringHashConfig())
        .isEqualTo(ring);
    assertThat(
            balanced(LoadBalancerPolicy.LEAST_REQUEST, Optional.empty(), least)
                .leastRequestConfig())
        .isEqualTo(least);
    assertThatThrownBy(() -> balanced(LoadBalancerPolicy.MAGLEV, ring, Optional.empty()))
        .hasMessageContaining("loadBalancer.ringHashConfig: needs policy ring_hash");
    assertThatThrownBy(() -> balanced(LoadBalancerPolicy.ROUND_ROBIN, Optional.empty(), least))
        .hasMessageContaining("loadBalancer.leastRequestConfig: needs policy least_request");
    assertThatThrownBy(() -> new RingHashConfig(Optional.of(10L), Optional.of(5L)))
        .hasMessageContaining("must not be above maximumRingSize");
    assertThatThrownBy(() -> new RingHashConfig(Optional.empty(), Optional.of(8_388_609L)))
        .hasMessageContaining("must be 1 to 8388608");
    assertThatThrownBy(() -> new LeastRequestConfig(1)).hasMessageContaining("at least 2");
  }

  @Test
  void splitWeightsMustAddUpToExactly100() {
    assertThatThrownBy(
            () ->
                new ServiceSplitter(
                    "web",
                    List.of(new Split(90, subset("v1")), new Split(9.99, subset("v2"))),
                    Map.of()))
        .hasMessageContaining("add up to 100")
        .hasMessageContaining("99.99");
    var ok =
        new ServiceSplitter(
            "web",
            List.of(
                new Split(33.33, subset("a")),
                new Split(33.33, subset("b")),
                new Split(33.34, subset("c"))),
            Map.of());
    assertThat(ok.splits()).hasSize(3);
    assertThatThrownBy(() -> new Split(10.005, subset("a"))).hasMessageContaining("two decimals");
  }

  @Test
  void splitterRejectsDuplicateDestinations() {
    assertThatThrownBy(
            () ->
                new ServiceSplitter(
                    "web",
                    List.of(
                        new Split(50, new ServiceTarget("", "v1")),
                        new Split(50, new ServiceTarget("web", "v1"))),
                    Map.of()))
        .hasMessageContaining("more than once");
  }

  @Test
  void resolverChecksSubsetReferencesAndRedirect() {
    assertThatThrownBy(
            () ->
                ServiceResolver.builder("web")
                    .defaultSubset(Optional.of("v3"))
                    .subsets(
                        Map.of(
                            "v1",
                            new ResolverSubset("", false),
                            "Bad_Name",
                            new ResolverSubset("", false)))
                    .redirect(Optional.of(new ServiceTarget("", "")))
                    .failover(Map.of("v9", List.of(new ServiceTarget("db", ""))))
                    .connectTimeout(Optional.of(Duration.ZERO))
                    .build())
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::field)
                    .contains(
                        "defaultSubset",
                        "subsets.Bad_Name",
                        "failover.v9",
                        "redirect",
                        "connectTimeout"));
  }

  @Test
  void localityPriorityOnARedirectIsRefusedAsTheRedirectsResolverDecides() {
    assertThatThrownBy(
            () ->
                ServiceResolver.builder("web")
                    .redirect(Optional.of(new ServiceTarget("web-v2", "")))
                    .prioritizeByLocality(true)
                    .build())
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("prioritizeByLocality: cannot be combined with redirect");
  }

  @Test
  void subsetFiltersMustParse() {
    assertThat(new ResolverSubset("Service.Meta.version == v2", false).filter())
        .isEqualTo("Service.Meta.version == v2");
    assertThatThrownBy(() -> new ResolverSubset("Service.Meta.version ==", false))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("filter: 1:");
  }

  @Test
  void regexesAreCheckedWithRe2AsEnvoyAndGrpcRunThem() {
    // java.util.regex accepts all of these; RE2 (Envoy, gRPC) refuses them.
    for (String perlOnly : List.of("/(?=v1)", "(a)\\1", "/a*+", "(?<!x)y")) {
      assertThatThrownBy(() -> new PathMatch(MatchType.REGEX, perlOnly))
          .as(perlOnly)
          .isInstanceOf(ValidationException.class)
          .hasMessageContaining("value")
          .hasMessageContaining("RE2");
      assertThatThrownBy(() -> new HeaderMatch("x-user", MatchType.REGEX, perlOnly, false))
          .as(perlOnly)
          .hasMessageContaining("value")
          .hasMessageContaining("RE2");
      assertThatThrownBy(() -> new QueryParamMatch("q", MatchType.REGEX, perlOnly))
          .hasMessageContaining("RE2");
    }
    // Envoy refuses RE2 programs over 100 instructions; short patterns can expand past that.
    assertThatThrownBy(() -> new PathMatch(MatchType.REGEX, "/a{1000}"))
        .hasMessageContaining("program of size")
        .hasMessageContaining("100");
    assertThatThrownBy(() -> new PathMatch(MatchType.REGEX, "/" + "x".repeat(200)))
        .hasMessageContaining("program of size");
    assertThat(new PathMatch(MatchType.REGEX, "/api/v[0-9]+/users/[0-9]+/orders/[0-9]+/items"))
        .isNotNull();
    assertThat(new HeaderMatch("x-v", MatchType.REGEX, "(?i)canary|beta-[a-f0-9]{8}", false))
        .isNotNull();
  }

  @Test
  void routerMatchesAreChecked() {
    assertThatThrownBy(() -> new PathMatch(MatchType.PREFIX, "api"))
        .hasMessageContaining("start with '/'");
    assertThatThrownBy(() -> new PathMatch(MatchType.REGEX, "(["))
        .hasMessageContaining("regular expression");
    // Found by fuzzing: a 98 KB literal took 5 s to compile on the writer thread.
    assertThatThrownBy(() -> new PathMatch(MatchType.REGEX, "/" + "x".repeat(60_000)))
        .hasMessageContaining("at most 4096");
    assertThatThrownBy(() -> new HeaderMatch("x-user", MatchType.PRESENT, "v", false))
        .hasMessageContaining("presence");
    assertThatThrownBy(
            () ->
                new HttpRouteMatch(Optional.empty(), List.of(), List.of(), List.of("GET", "FETCH")))
        .hasMessageContaining("methods[1]");
    assertThatThrownBy(
            () ->
                new RouteDestination(
                    subset("v2"),
                    "",
                    Optional.empty(),
                    -1,
                    false,
                    List.of(42),
                    List.of("sometimes")))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::field)
                    .containsExactlyInAnyOrder(
                        "numRetries", "retryOnStatusCodes[0]", "retryOn[0]"));
    var rewrite =
        new RouteDestination(subset(""), "/v2", Optional.empty(), 0, false, List.of(), List.of());
    assertThatThrownBy(() -> new Route(HttpRouteMatch.ANY, rewrite))
        .hasMessageContaining("prefixRewrite");
    assertThat(new Route(HttpRouteMatch.pathPrefix("/api"), rewrite).destination().prefixRewrite())
        .isEqualTo("/v2");
  }

  @Test
  void intentionSourcesHaveActionOrPermissionsNotBoth() {
    var permission =
        new IntentionPermission(
            IntentionAction.DENY,
            new HttpPermission(
                Optional.of(new PathMatch(MatchType.PREFIX, "/admin")), List.of(), List.of()));
    assertThatThrownBy(
            () ->
                new IntentionSource(
                    "web", Optional.of(IntentionAction.ALLOW), List.of(permission), ""))
        .hasMessageContaining("not both");
    assertThatThrownBy(() -> new IntentionSource("web", Optional.empty(), List.of(), ""))
        .hasMessageContaining("neither");
    assertThatThrownBy(
            () ->
                new ServiceIntentions(
                    "db",
                    List.of(
                        IntentionSource.of("web", IntentionAction.ALLOW),
                        IntentionSource.of("web", IntentionAction.DENY)),
                    Map.of()))
        .hasMessageContaining("more than once");
    var wildcardDestination =
        new ServiceIntentions(
            "*", List.of(IntentionSource.of("*", IntentionAction.DENY)), Map.of());
    assertThat(wildcardDestination.precedence(wildcardDestination.sources().getFirst()))
        .isEqualTo(5);
    var exact =
        new ServiceIntentions(
            "db", List.of(IntentionSource.of("web", IntentionAction.ALLOW)), Map.of());
    assertThat(exact.precedence(exact.sources().getFirst())).isEqualTo(9);
  }

  @Test
  void graphRequiresHttpForL7Permissions() {
    var permission =
        new IntentionPermission(
            IntentionAction.ALLOW, new HttpPermission(Optional.empty(), List.of(), List.of("GET")));
    var intentions =
        new ServiceIntentions(
            "api",
            List.of(new IntentionSource("web", Optional.empty(), List.of(permission), "")),
            Map.of());
    var graph = new ConfigGraph(Map.of(intentions.key(), intentions));
    assertThat(graph.problems())
        .extracting(Problem::message)
        .singleElement()
        .asString()
        .contains("L7 permissions");

    var defaults = new ServiceDefaults("api", Protocol.HTTP2, Map.of());
    var fixed = new ConfigGraph(Map.of(intentions.key(), intentions, defaults.key(), defaults));
    assertThat(fixed.problems()).isEmpty();
    assertThat(fixed.protocolOf("api")).isEqualTo(Protocol.HTTP2);
    assertThat(fixed.protocolOf("other")).isEqualTo(Protocol.TCP);
  }

  @Test
  void proxyDefaultsProtocolIsTheMeshWideDefault() {
    var permission =
        new IntentionPermission(
            IntentionAction.ALLOW, new HttpPermission(Optional.empty(), List.of(), List.of("GET")));
    var intentions =
        new ServiceIntentions(
            "api",
            List.of(new IntentionSource("web", Optional.empty(), List.of(permission), "")),
            Map.of());
    var global = new ProxyDefaults(ProxyDefaults.GLOBAL, Optional.of(Protocol.GRPC), Map.of());
    var graph = new ConfigGraph(Map.of(intentions.key(), intentions, global.key(), global));
    assertThat(graph.problems()).isEmpty();
    assertThat(graph.protocolOf("api")).isEqualTo(Protocol.GRPC);
    var tcp = new ServiceDefaults("api", Protocol.TCP, Map.of());
    var own =
        new ConfigGraph(Map.of(intentions.key(), intentions, global.key(), global, tcp.key(), tcp));
    assertThat(own.protocolOf("api")).isEqualTo(Protocol.TCP);
    assertThat(own.problems())
        .extracting(Problem::message)
        .singleElement()
        .asString()
        .contains("L7 permissions");
  }

  @Test
  void upstreamSettingsAreCheckedAndMergedLikeConsul() {
    assertThatThrownBy(
            () ->
                new PassiveHealthCheck(
                    Optional.of(Duration.ZERO),
                    Optional.of(-1),
                    Optional.of(101),
                    Optional.of(-3),
                    Optional.empty()))
        .isInstanceOf(ValidationException.class)
        .satisfies(
            e ->
                assertThat(((ValidationException) e).problems())
                    .extracting(Problem::field)
                    .containsExactlyInAnyOrder(
                        "interval",
                        "maxFailures",
                        "enforcingConsecutive5xx",
                        "maxEjectionPercent"));
    assertThatThrownBy(() -> new ProxyDefaults("other", Optional.empty(), Map.of()))
        .hasMessageContaining("global");
    var limits = new UpstreamLimits(Optional.of(1), Optional.empty(), Optional.empty());
    var defaults =
        new UpstreamSettings(
            Optional.of(Duration.ofSeconds(2)), Optional.of(limits), Optional.empty());
    var override =
        new UpstreamSettings(
            Optional.empty(),
            Optional.of(new UpstreamLimits(Optional.empty(), Optional.of(5), Optional.empty())),
            Optional.empty());
    var config = new UpstreamConfig(defaults, Map.of("api", override));
    assertThat(config.settingsFor("db")).isEqualTo(defaults);
    assertThat(config.settingsFor("api").connectTimeout()).contains(Duration.ofSeconds(2));
    assertThat(config.settingsFor("api").limits()).isEqualTo(override.limits());
  }
}
