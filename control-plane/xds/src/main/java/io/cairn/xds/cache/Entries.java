package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.config.ConfigEntryKind;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceDefaults;
import java.util.Optional;

/** Typed look-ups of config entries in a snapshot. */
final class Entries {
  private Entries() {}

  /** The service's protocol from its service-defaults; tcp without one, as in Consul. */
  static Protocol protocol(RegistrySnapshot snapshot, String service) {
    return of(snapshot, ConfigEntryKind.SERVICE_DEFAULTS, service, ServiceDefaults.class)
        .map(ServiceDefaults::protocol)
        .orElse(Protocol.TCP);
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
