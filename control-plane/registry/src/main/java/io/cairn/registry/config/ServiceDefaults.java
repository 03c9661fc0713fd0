package io.cairn.registry.config;

import io.cairn.registry.validation.Metadata;
import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import java.util.Map;

/**
 * Defaults for every instance of a service: its protocol, and how its clients reach their upstreams
 * ({@link UpstreamConfig}).
 */
public record ServiceDefaults(
    String name, Protocol protocol, UpstreamConfig upstreamConfig, Map<String, String> meta)
    implements ConfigEntry {
  public ServiceDefaults {
    Problems p = new Problems();
    Names.serviceName(p, "name", name);
    if (protocol == null) {
      p.add("protocol", "is required");
    }
    // Entries stored before UpstreamConfig existed have none.
    upstreamConfig = upstreamConfig == null ? UpstreamConfig.NONE : upstreamConfig;
    meta = Metadata.check(p, "meta", meta);
    p.throwIfAny();
  }

  public ServiceDefaults(String name, Protocol protocol, Map<String, String> meta) {
    this(name, protocol, UpstreamConfig.NONE, meta);
  }

  @Override
  public ConfigEntryKind kind() {
    return ConfigEntryKind.SERVICE_DEFAULTS;
  }
}
