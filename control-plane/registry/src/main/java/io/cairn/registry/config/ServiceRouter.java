package io.cairn.registry.config;

import io.cairn.registry.validation.Metadata;
import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import java.util.List;
import java.util.Map;

/**
 * Routes a service's HTTP requests by path, header, query parameter or method; the first matching
 * route wins, unmatched requests go to the service itself.
 */
public record ServiceRouter(String name, List<Route> routes, Map<String, String> meta)
    implements ConfigEntry {
  public ServiceRouter {
    Problems p = new Problems();
    Names.serviceName(p, "name", name);
    if (routes == null) {
      p.add("routes", "must not be null (use an empty list)");
      routes = List.of();
    }
    routes = List.copyOf(routes);
    meta = Metadata.check(p, "meta", meta);
    p.throwIfAny();
  }

  @Override
  public ConfigEntryKind kind() {
    return ConfigEntryKind.SERVICE_ROUTER;
  }
}
