package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.xds.translate.ListenerTranslator;
import io.cairn.xds.translate.RouteClient;
import io.cairn.xds.translate.RouteTranslator;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * How a proxyless client reaches one service: its Listener and RouteConfiguration (both named after
 * the service), and the targets its routes and splits lead to. Depends only on the service's own
 * router and splitter. Pure: a registry snapshot in, protos out.
 */
public record ServiceRoutes(Listener listener, RouteConfiguration route, Set<Target> targets) {
  public ServiceRoutes {
    targets = Set.copyOf(targets);
  }

  public static ServiceRoutes of(RegistrySnapshot snapshot, String service) {
    Optional<ServiceRouter> router =
        Entries.of(snapshot, ConfigEntryKind.SERVICE_ROUTER, service, ServiceRouter.class);
    Optional<ServiceSplitter> splitter =
        Entries.of(snapshot, ConfigEntryKind.SERVICE_SPLITTER, service, ServiceSplitter.class);
    return new ServiceRoutes(
        ListenerTranslator.apiListener(service, service),
        RouteTranslator.translate(
            service, service, List.of(service), router, splitter, RouteClient.GRPC),
        targets(service, router, splitter));
  }

  /**
   * The routes a sidecar's outbound listener to {@code service} takes: the same routes, for any
   * {@code Host} (the application dials a local port, not the service's name).
   */
  static RouteConfiguration sidecarRoute(RegistrySnapshot snapshot, String service) {
    return RouteTranslator.translate(
        service,
        service,
        List.of("*"),
        Entries.of(snapshot, ConfigEntryKind.SERVICE_ROUTER, service, ServiceRouter.class),
        Entries.of(snapshot, ConfigEntryKind.SERVICE_SPLITTER, service, ServiceSplitter.class),
        RouteClient.ENVOY);
  }

  /** The service itself, its router's destinations and its splitter's splits. */
  static Set<Target> targets(RegistrySnapshot snapshot, String service) {
    return targets(
        service,
        Entries.of(snapshot, ConfigEntryKind.SERVICE_ROUTER, service, ServiceRouter.class),
        Entries.of(snapshot, ConfigEntryKind.SERVICE_SPLITTER, service, ServiceSplitter.class));
  }

  private static Set<Target> targets(
      String service, Optional<ServiceRouter> router, Optional<ServiceSplitter> splitter) {
    Set<Target> targets = new TreeSet<>();
    targets.add(new Target(service, ""));
    router.ifPresent(
        r ->
            r.routes().stream()
                .map(Route::destination)
                .forEach(d -> targets.add(Target.of(d.target(), service))));
    splitter.ifPresent(s -> s.splits().forEach(sp -> targets.add(Target.of(sp.target(), service))));
    return targets;
  }
}
