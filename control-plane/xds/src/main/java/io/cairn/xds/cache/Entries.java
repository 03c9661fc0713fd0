package io.cairn.xds.cache;

import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.config.ConfigEntryKind;
import java.util.Optional;

/** Typed look-ups of config entries in a snapshot. */
final class Entries {
  private Entries() {}

  static <T> Optional<T> of(
      RegistrySnapshot snapshot, ConfigEntryKind kind, String name, Class<T> type) {
    return snapshot
        .configEntry(kind, name)
        .map(e -> e.value())
        .filter(type::isInstance)
        .map(type::cast);
  }
}
