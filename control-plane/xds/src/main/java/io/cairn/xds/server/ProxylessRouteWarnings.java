package io.cairn.xds.server;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.GrpcRouteMatches;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.model.Indexed;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One WARN line per router change whose routes proxyless gRPC clients will skip (a {@code Methods}
 * or {@code QueryParam} match, see {@link GrpcRouteMatches}); its routes are served to them all the
 * same, and Envoy matches them. Not thread-safe: the snapshot builder's thread owns it.
 */
final class ProxylessRouteWarnings {
  private static final Logger log = LoggerFactory.getLogger(ProxylessRouteWarnings.class);

  // Router name to the modify index last warned about; a router gone or fixed leaves.
  private final Map<String, Long> warned = new HashMap<>();

  /** Looks at the routers named in {@code changed}. */
  void check(RegistrySnapshot snapshot, Collection<String> changed) {
    for (String name : changed) {
      Optional<Indexed<ConfigEntry>> entry =
          snapshot.configEntry(ConfigEntryKind.SERVICE_ROUTER, name);
      if (entry.isEmpty()
          || !(entry.get().value() instanceof ServiceRouter router)
          || !GrpcRouteMatches.hiddenFromProxyless(router)) {
        warned.remove(name);
        continue;
      }
      Long before = warned.put(name, entry.get().modifyIndex());
      if (before == null || before != entry.get().modifyIndex()) {
        log.atWarn()
            .addKeyValue("router", name)
            .log(
                "service-router {} matches on Methods or QueryParam: proxyless gRPC clients"
                    + " (gRFC A28) never take those routes (they see no method or query string)",
                name);
      }
    }
  }
}
