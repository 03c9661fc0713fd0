package io.cairn.registry.config;

import java.util.Map;

/** A config entry: one kind, one name (usually the service it applies to), metadata. */
public sealed interface ConfigEntry
    permits ServiceDefaults,
        ProxyDefaults,
        ServiceResolver,
        ServiceSplitter,
        ServiceRouter,
        ServiceIntentions {
  ConfigEntryKind kind();

  String name();

  Map<String, String> meta();

  default ConfigEntryKey key() {
    return new ConfigEntryKey(kind(), name());
  }
}
