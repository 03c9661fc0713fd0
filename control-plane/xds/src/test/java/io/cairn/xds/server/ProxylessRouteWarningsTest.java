package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.config.HttpRouteMatch;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.RouteDestination;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.testfixtures.logging.CapturedLogs;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class ProxylessRouteWarningsTest {
  private final Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
  @RegisterExtension final CapturedLogs logs = CapturedLogs.of(ProxylessRouteWarnings.class);

  @AfterEach
  void close() {
    registry.close();
  }

  private void router(String prefix, List<String> methods) {
    registry.apply(
        PutConfigEntry.of(
            new ServiceRouter(
                "web",
                List.of(
                    new Route(
                        new HttpRouteMatch(
                            HttpRouteMatch.pathPrefix(prefix).path(),
                            List.of(),
                            List.of(),
                            methods),
                        RouteDestination.to(new ServiceTarget("", "")))),
                Map.of())));
  }

  @Test
  void aRouterProxylessClientsCannotMatchIsLoggedOncePerChange() {
    ProxylessRouteWarnings warnings = new ProxylessRouteWarnings();
    registry.apply(PutConfigEntry.of(new ServiceDefaults("web", Protocol.HTTP, Map.of())));
    router("/admin", List.of("GET"));
    warnings.check(registry.snapshot(), Set.of("web"));
    warnings.check(registry.snapshot(), Set.of("web"));
    assertThat(logs.events()).hasSize(1);
    assertThat(logs.events().get(0).getFormattedMessage())
        .contains("service-router web matches on Methods or QueryParam");

    router("/admin/", List.of("GET"));
    warnings.check(registry.snapshot(), Set.of("web"));
    assertThat(logs.events()).hasSize(2);

    router("/admin/", List.of());
    warnings.check(registry.snapshot(), Set.of("web"));
    router("/", List.of());
    warnings.check(registry.snapshot(), Set.of("web"));
    assertThat(logs.events()).hasSize(2);
    assertThat(Optional.of(logs.events().get(1).getLevel().toString())).contains("WARN");
  }
}
