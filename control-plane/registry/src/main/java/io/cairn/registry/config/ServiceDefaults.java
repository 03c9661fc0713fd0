package io.cairn.registry.config;

import io.cairn.registry.validation.Metadata;
import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import java.util.Map;

/** Defaults for every instance of a service; today its protocol. */
public record ServiceDefaults(String name, Protocol protocol, Map<String, String> meta)
    implements ConfigEntry {
  public ServiceDefaults {
    Problems p = new Problems();
    Names.serviceName(p, "name", name);
    if (protocol == null) {
      p.add("protocol", "is required");
    }
    meta = Metadata.check(p, "meta", meta);
    p.throwIfAny();
  }

  @Override
  public ConfigEntryKind kind() {
    return ConfigEntryKind.SERVICE_DEFAULTS;
  }
}
