package io.cairn.registry.config;

import io.cairn.registry.validation.Metadata;
import io.cairn.registry.validation.Problems;
import java.util.Map;
import java.util.Optional;

/**
 * Consul's {@code proxy-defaults}, of which there is one, named {@code global}: today the mesh-wide
 * protocol of services whose service-defaults set none.
 */
public record ProxyDefaults(String name, Optional<Protocol> protocol, Map<String, String> meta)
    implements ConfigEntry {
  /** The only name Consul accepts. */
  public static final String GLOBAL = "global";

  public ProxyDefaults {
    Problems p = new Problems();
    if (!GLOBAL.equals(name)) {
      p.add("name", "must be '" + GLOBAL + "', was '" + name + "'");
    }
    if (protocol == null) {
      p.add("protocol", "is required (may be empty)");
    }
    meta = Metadata.check(p, "meta", meta);
    p.throwIfAny();
  }

  @Override
  public ConfigEntryKind kind() {
    return ConfigEntryKind.PROXY_DEFAULTS;
  }
}
