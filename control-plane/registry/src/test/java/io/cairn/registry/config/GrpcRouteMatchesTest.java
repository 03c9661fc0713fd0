package io.cairn.registry.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.validation.Problem;
import io.cairn.registry.validation.ValidationException;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** A grpc service's router may only match what a gRPC request can be. */
class GrpcRouteMatchesTest {
  private final Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());

  @AfterEach
  void close() {
    registry.close();
  }

  private static ServiceRouter router(List<String> methods, List<QueryParamMatch> query) {
    return new ServiceRouter(
        "api",
        List.of(
            new Route(
                HttpRouteMatch.pathPrefix("/ok"), RouteDestination.to(new ServiceTarget("", ""))),
            new Route(
                new HttpRouteMatch(Optional.empty(), List.of(), query, methods),
                RouteDestination.to(new ServiceTarget("", "")))),
        Map.of());
  }

  @Test
  void aGrpcRouterWithOtherMethodsOrQueryParamsIsRefusedNamingTheField() {
    registry.apply(PutConfigEntry.of(new ServiceDefaults("api", Protocol.GRPC, Map.of())));
    ServiceRouter bad =
        router(
            List.of("GET", "POST", "PUT"),
            List.of(new QueryParamMatch("debug", MatchType.PRESENT, "")));

    assertThatThrownBy(() -> registry.apply(PutConfigEntry.of(bad)))
        .isInstanceOfSatisfying(
            ValidationException.class,
            e ->
                assertThat(e.problems())
                    .extracting(Problem::field, Problem::message)
                    .containsExactlyInAnyOrder(
                        org.assertj.core.groups.Tuple.tuple(
                            "service-router/api.routes[1].match.http.methods",
                            "Methods [GET, PUT] never match: 'api' is grpc and gRPC requests are"
                                + " always POST"),
                        org.assertj.core.groups.Tuple.tuple(
                            "service-router/api.routes[1].match.http.queryParam",
                            "QueryParam matches never match: 'api' is grpc and gRPC requests have"
                                + " no query string")));
    assertThat(registry.snapshot().configEntry(ConfigEntryKind.SERVICE_ROUTER, "api")).isEmpty();

    registry.apply(PutConfigEntry.of(router(List.of("POST"), List.of())));
    assertThat(registry.snapshot().configEntry(ConfigEntryKind.SERVICE_ROUTER, "api")).isPresent();
  }

  @Test
  void turningAnHttpServiceWithSuchARouterIntoGrpcIsRefused() {
    registry.apply(PutConfigEntry.of(new ServiceDefaults("api", Protocol.HTTP, Map.of())));
    registry.apply(PutConfigEntry.of(router(List.of("GET"), List.of())));

    assertThatThrownBy(
            () ->
                registry.apply(
                    PutConfigEntry.of(new ServiceDefaults("api", Protocol.GRPC, Map.of()))))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("routes[1].match.http.methods");
  }

  @Test
  void proxylessClientsSkipRoutesMatchingMethodsOrQueryParams() {
    assertThat(GrpcRouteMatches.hiddenFromProxyless(router(List.of(), List.of()))).isFalse();
    assertThat(GrpcRouteMatches.hiddenFromProxyless(router(List.of("POST"), List.of()))).isTrue();
    assertThat(
            GrpcRouteMatches.hiddenFromProxyless(
                router(List.of(), List.of(new QueryParamMatch("a", MatchType.EXACT, "1")))))
        .isTrue();
  }
}
