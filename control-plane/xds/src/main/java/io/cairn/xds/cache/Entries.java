package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ProxyDefaults;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.UpstreamConfig;
import java.util.Optional;

/** Typed look-ups of config entries in a snapshot. */
final class Entries {
  private Entries() {}

  /**
   * The service's protocol from its service-defaults, else proxy-defaults' mesh-wide one; tcp
   * without either, as in Consul.
   */
  static Protocol protocol(RegistrySnapshot snapshot, String service) {
    return of(snapshot, ConfigEntryKind.SERVICE_DEFAULTS, service, ServiceDefaults.class)
        .map(ServiceDefaults::protocol)
        .or(
            () ->
                of(
                        snapshot,
                        ConfigEntryKind.PROXY_DEFAULTS,
                        ProxyDefaults.GLOBAL,
                        ProxyDefaults.class)
                    .flatMap(ProxyDefaults::protocol))
        .orElse(Protocol.TCP);
  }

  /** How the service's clients reach their upstreams, from its service-defaults. */
  static UpstreamConfig upstreamConfig(RegistrySnapshot snapshot, String service) {
    return of(snapshot, ConfigEntryKind.SERVICE_DEFAULTS, service, ServiceDefaults.class)
        .map(ServiceDefaults::upstreamConfig)
        .orElse(UpstreamConfig.NONE);
  }

  /** Services whose resolver orders instances by the client's locality. */
  static java.util.Set<String> prioritizing(RegistrySnapshot snapshot) {
    java.util.Set<String> out = new java.util.HashSet<>();
    snapshot
        .configEntries(ConfigEntryKind.SERVICE_RESOLVER)
        .forEach(
            e -> {
              if (e.value() instanceof io.cairn.registry.config.ServiceResolver r
                  && r.prioritizeByLocality()) {
                out.add(r.name());
              }
            });
    return java.util.Set.copyOf(out);
  }

  static <T> Optional<T> of(
      RegistrySnapshot snapshot, ConfigEntryKind kind, String name, Class<T> type) {
    return snapshot
        .configEntry(kind, name)
        .map(e -> e.value())
        .filter(type::isInstance)
        .map(type::cast);
  }
}
