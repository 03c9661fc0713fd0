package io.cairn.registry.chain;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.config.HttpRouteMatch;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ProxyDefaults;
import io.cairn.registry.config.ResolverSubset;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.RouteDestination;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class ChainCompilerTest {
  private final Map<ConfigEntryKey, ConfigEntry> entries = new HashMap<>();

  private void put(ConfigEntry e) {
    entries.put(e.key(), e);
  }

  private CompiledChain compile(String service) {
    return ChainCompiler.compile(
        service, (kind, name) -> Optional.ofNullable(entries.get(new ConfigEntryKey(kind, name))));
  }

  private List<String> problems(String... services) {
    return ChainCompiler.problems(
            List.of(services),
            (kind, name) -> Optional.ofNullable(entries.get(new ConfigEntryKey(kind, name))))
        .stream()
        .map(p -> p.toString())
        .toList();
  }

  private void protocol(String service, Protocol protocol) {
    put(new ServiceDefaults(service, protocol, Map.of()));
  }

  private static ServiceTarget to(String service, String subset) {
    return new ServiceTarget(service, subset);
  }

  private static ChainTarget at(String service, String subset) {
    return new ChainTarget(service, subset);
  }

  private static ServiceResolver resolver(
      String name,
      Optional<String> defaultSubset,
      List<String> subsets,
      Optional<ServiceTarget> redirect,
      Map<String, List<ServiceTarget>> failover) {
    Map<String, ResolverSubset> defined = new HashMap<>();
    subsets.forEach(s -> defined.put(s, new ResolverSubset("Service.Meta.version == " + s, false)));
    return ServiceResolver.builder(name)
        .defaultSubset(defaultSubset)
        .subsets(defined)
        .redirect(redirect)
        .failover(failover)
        .build();
  }

  private static ServiceResolver redirect(String name, ServiceTarget to) {
    return resolver(name, Optional.empty(), List.of(), Optional.of(to), Map.of());
  }

  private static ServiceSplitter splitter(String name, Split... splits) {
    return new ServiceSplitter(name, List.of(splits), Map.of());
  }

  private static Split split(double weight, String service, String subset) {
    return new Split(weight, to(service, subset));
  }

  @Test
  void withoutEntriesTheChainIsTheServiceItself() {
    CompiledChain chain = compile("api");

    assertThat(chain.routes()).isEmpty();
    assertThat(chain.fallback()).isEqualTo(new ResolvedTarget(at("api", ""), List.of()));
    assertThat(chain.reads()).containsExactly("api");
  }

  @Test
  void redirectsAreFollowedAcrossServices() {
    put(redirect("old", to("mid", "")));
    put(redirect("mid", to("new", "v2")));
    put(resolver("new", Optional.empty(), List.of("v2"), Optional.empty(), Map.of()));

    CompiledChain chain = compile("old");

    assertThat(chain.fallback()).isEqualTo(new ResolvedTarget(at("new", "v2"), List.of()));
    assertThat(chain.reads()).containsExactlyInAnyOrder("old", "mid", "new");
  }

  @Test
  void theDefaultSubsetAppliesWhenNoneIsNamed() {
    put(resolver("api", Optional.of("v1"), List.of("v1", "v2"), Optional.empty(), Map.of()));
    put(splitter("api", split(50, "", ""), split(50, "", "v2")));

    WeightedSplits splits = (WeightedSplits) compile("api").fallback();

    assertThat(splits.shares())
        .extracting(s -> s.to().target())
        .containsExactly(at("api", "v1"), at("api", "v2"));
  }

  @Test
  void failoverIsPerSubsetElseTheWildcard() {
    put(
        resolver(
            "api",
            Optional.empty(),
            List.of("v1", "v2"),
            Optional.empty(),
            Map.of(
                "v1", List.of(to("api", "v2"), to("backup", "")),
                "*", List.of(to("other", "")))));
    put(
        new ServiceRouter(
            "api",
            List.of(
                new Route(HttpRouteMatch.pathPrefix("/v1"), RouteDestination.to(to("", "v1"))),
                new Route(HttpRouteMatch.pathPrefix("/v2"), RouteDestination.to(to("", "v2")))),
            Map.of()));

    CompiledChain chain = compile("api");

    assertThat(chain.routes().get(0).destination())
        .isEqualTo(new ResolvedTarget(at("api", "v1"), List.of(at("api", "v2"), at("backup", ""))));
    assertThat(chain.routes().get(1).destination())
        .isEqualTo(new ResolvedTarget(at("api", "v2"), List.of(at("other", ""))));
    assertThat(chain.fallback())
        .isEqualTo(new ResolvedTarget(at("api", ""), List.of(at("other", ""))));
    assertThat(chain.targets())
        .containsExactly(
            at("api", ""), at("api", "v1"), at("api", "v2"), at("backup", ""), at("other", ""));
  }

  @Test
  void failoverTargetsFollowTheirRedirectsButNotTheirFailover() {
    put(
        resolver(
            "echo",
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Map.of("*", List.of(to("moved", ""), to("echo", "")))));
    put(redirect("moved", to("echob", "")));
    put(
        resolver(
            "echob",
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Map.of("*", List.of(to("third", "")))));

    assertThat(compile("echo").fallback())
        .isEqualTo(new ResolvedTarget(at("echo", ""), List.of(at("echob", ""))));
  }

  @Test
  void splitsToAnotherServiceAreFlattenedThroughItsSplitterWithWeightsMultiplied() {
    put(splitter("web", split(40, "", ""), split(60, "api", "")));
    put(resolver("api", Optional.empty(), List.of("v1", "v2"), Optional.empty(), Map.of()));
    put(splitter("api", split(33.33, "", "v1"), split(66.67, "", "v2")));

    WeightedSplits splits = (WeightedSplits) compile("web").fallback();

    // 60% of 33.33% is 19.998%, 60% of 66.67% is 40.002%: 1999.8 and 4000.2 basis points.
    assertThat(splits.shares())
        .extracting(s -> s.to().target(), WeightedSplits.Share::basisPoints)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(at("web", ""), 4000),
            org.assertj.core.groups.Tuple.tuple(at("api", "v1"), 2000),
            org.assertj.core.groups.Tuple.tuple(at("api", "v2"), 4000));
    assertThat(compile("web").reads()).containsExactlyInAnyOrder("web", "api");
  }

  @Test
  void aSplitToItselfOrWithASubsetGoesToTheResolver() {
    put(resolver("api", Optional.empty(), List.of("v1"), Optional.empty(), Map.of()));
    put(splitter("api", split(50, "", ""), split(50, "api", "v1")));

    WeightedSplits splits = (WeightedSplits) compile("api").fallback();

    assertThat(splits.shares())
        .extracting(s -> s.to().target(), WeightedSplits.Share::basisPoints)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(at("api", ""), 5000),
            org.assertj.core.groups.Tuple.tuple(at("api", "v1"), 5000));
  }

  @Test
  void sharesReachingTheSameTargetAreMerged() {
    put(splitter("web", split(50, "api", ""), split(50, "db", "")));
    put(splitter("db", split(50, "api", ""), split(50, "", "")));

    WeightedSplits splits = (WeightedSplits) compile("web").fallback();

    assertThat(splits.shares())
        .extracting(s -> s.to().target(), WeightedSplits.Share::basisPoints)
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple(at("api", ""), 7500),
            org.assertj.core.groups.Tuple.tuple(at("db", ""), 2500));
  }

  @Test
  void aRouteToAnotherServiceHonoursItsSplitterUnlessASubsetIsNamed() {
    put(
        new ServiceRouter(
            "web",
            List.of(
                new Route(HttpRouteMatch.pathPrefix("/api"), RouteDestination.to(to("api", ""))),
                new Route(HttpRouteMatch.pathPrefix("/v1"), RouteDestination.to(to("api", "v1")))),
            Map.of()));
    put(resolver("api", Optional.empty(), List.of("v1", "v2"), Optional.empty(), Map.of()));
    put(splitter("api", split(10, "", "v1"), split(90, "", "v2")));

    CompiledChain chain = compile("web");

    assertThat(chain.routes().get(0).destination()).isInstanceOf(WeightedSplits.class);
    assertThat(((WeightedSplits) chain.routes().get(0).destination()).shares())
        .extracting(WeightedSplits.Share::basisPoints)
        .containsExactly(1000, 9000);
    assertThat(chain.routes().get(1).destination())
        .isEqualTo(new ResolvedTarget(at("api", "v1"), List.of()));
    assertThat(chain.fallback()).isEqualTo(new ResolvedTarget(at("web", ""), List.of()));
  }

  @Test
  void redirectLoopsAreRefused() {
    put(redirect("a", to("b", "")));
    put(redirect("b", to("a", "")));

    assertThatThrownBy(() -> compile("a"))
        .isInstanceOf(ChainException.class)
        .hasMessage("redirect loop: a -> b -> a");
  }

  @Test
  void splitterLoopsAreRefused() {
    put(splitter("a", split(50, "", ""), split(50, "b", "")));
    put(splitter("b", split(50, "", ""), split(50, "a", "")));

    assertThatThrownBy(() -> compile("a"))
        .isInstanceOf(ChainException.class)
        .hasMessage("splitter loop: a -> b -> a");
    assertThat(
            ChainCompiler.problems(
                List.of("a", "b", "c"),
                (kind, name) -> Optional.ofNullable(entries.get(new ConfigEntryKey(kind, name)))))
        .extracting(p -> p.toString())
        .containsExactly(
            "chain.a: splitter loop: a -> b -> a", "chain.b: splitter loop: b -> a -> b");
  }

  @Test
  void diamondsOfSplittersAreNotLoopsButAreBounded() {
    // s0 splits to s1 twice over (via its two subsets' services), and so on: 2^n paths.
    for (int i = 0; i < 20; i++) {
      put(splitter("s" + i, split(50, "s" + (i + 1), ""), split(50, "t" + i, "")));
      put(splitter("t" + i, split(100, "s" + (i + 1), "")));
    }
    assertThatThrownBy(() -> compile("s0"))
        .isInstanceOf(ChainException.class)
        .hasMessageContaining("more than " + ChainCompiler.MAX_SPLIT_PATHS + " paths");
    assertThat(((WeightedSplits) compile("s15").fallback()).shares())
        .extracting(s -> s.to().target())
        .containsExactly(at("s20", ""));
  }

  @Test
  void aSplitToAServiceOfAnotherProtocolIsAProblemNamingBoth() {
    protocol("web", Protocol.HTTP);
    put(splitter("web", split(90, "", ""), split(10, "api", "")));

    assertThat(problems("web"))
        .containsExactly(
            "chain.web: discovery chain \"web\" uses inconsistent protocols; service \"api\" has"
                + " \"tcp\" which is not \"http\" (set the protocol with a service-defaults entry)");

    protocol("api", Protocol.HTTP);
    assertThat(problems("web")).isEmpty();
  }

  @Test
  void routeDestinationsRedirectHopsAndFailoverTargetsMustAgreeWithTheChain() {
    protocol("web", Protocol.GRPC);
    protocol("api", Protocol.GRPC);
    put(
        new ServiceRouter(
            "web",
            List.of(new Route(HttpRouteMatch.pathPrefix("/a"), RouteDestination.to(to("api", "")))),
            Map.of()));
    assertThat(problems("web")).isEmpty();

    // api redirects through mid (tcp) to new (grpc): the hop counts, as in Consul.
    put(redirect("api", to("mid", "")));
    put(redirect("mid", to("new", "")));
    protocol("new", Protocol.GRPC);
    assertThat(problems("web"))
        .singleElement()
        .asString()
        .contains("service \"mid\" has \"tcp\" which is not \"grpc\"");
    protocol("mid", Protocol.GRPC);
    assertThat(problems("web")).isEmpty();

    put(
        resolver(
            "new",
            Optional.empty(),
            List.of(),
            Optional.empty(),
            Map.of("*", List.of(to("backup", "")))));
    protocol("backup", Protocol.HTTP2);
    assertThat(problems("web", "new"))
        .containsExactly(
            "chain.web: discovery chain \"web\" uses inconsistent protocols; service \"backup\""
                + " has \"http2\" which is not \"grpc\" (set the protocol with a service-defaults"
                + " entry)",
            "chain.new: discovery chain \"new\" uses inconsistent protocols; service \"backup\""
                + " has \"http2\" which is not \"grpc\" (set the protocol with a service-defaults"
                + " entry)");
  }

  @Test
  void proxyDefaultsGivesTheProtocolOfServicesWithoutServiceDefaults() {
    put(new ProxyDefaults(ProxyDefaults.GLOBAL, Optional.of(Protocol.HTTP), Map.of()));
    put(splitter("web", split(50, "", ""), split(50, "api", "")));
    assertThat(problems("web")).isEmpty();

    protocol("api", Protocol.GRPC);
    assertThat(problems("web"))
        .singleElement()
        .asString()
        .contains("service \"api\" has \"grpc\" which is not \"http\"");
  }

  @Test
  void theChainsOwnServiceCountsEvenWhenItsSplitterSendsEverythingElsewhere() {
    protocol("web", Protocol.GRPC);
    protocol("api", Protocol.HTTP);
    put(splitter("web", split(100, "api", "")));

    assertThat(problems("web"))
        .singleElement()
        .asString()
        .contains("service \"api\" has \"http\" which is not \"grpc\"");
  }
}
