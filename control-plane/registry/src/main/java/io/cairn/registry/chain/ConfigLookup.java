package io.cairn.registry.chain;

import io.cairn.registry.config.ConfigEntry;
import io.cairn.registry.config.ConfigEntryKind;
import java.util.Optional;

/** The config entries a chain is compiled from: a snapshot's, or a graph being checked. */
@FunctionalInterface
public interface ConfigLookup {
  Optional<ConfigEntry> entry(ConfigEntryKind kind, String name);
}
