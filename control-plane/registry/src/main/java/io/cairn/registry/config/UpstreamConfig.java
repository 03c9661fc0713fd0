package io.cairn.registry.config;

import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import java.util.Map;
import java.util.TreeMap;

/**
 * Consul's service-defaults {@code UpstreamConfig}: how the owning service's clients reach their
 * upstreams. {@code overrides} are keyed by upstream service name and merged over {@code defaults}
 * field by field.
 */
public record UpstreamConfig(UpstreamSettings defaults, Map<String, UpstreamSettings> overrides) {
  public static final UpstreamConfig NONE = new UpstreamConfig(UpstreamSettings.NONE, Map.of());

  /** Overrides per service entry; bounds the entry's size like the other list-valued fields. */
  public static final int MAX_OVERRIDES = 256;

  public UpstreamConfig {
    Problems p = new Problems();
    if (defaults == null) {
      p.add("defaults", "is required (may be empty)");
    }
    if (overrides == null) {
      p.add("overrides", "is required (may be empty)");
    } else {
      if (overrides.size() > MAX_OVERRIDES) {
        p.add("overrides", "at most " + MAX_OVERRIDES + " are allowed, was " + overrides.size());
      }
      overrides.forEach(
          (name, settings) -> {
            if (name.equals("*")) {
              p.add("overrides." + name, "a wildcard name is not allowed; use defaults");
            } else {
              Names.serviceName(p, "overrides." + name + ".name", name);
            }
          });
      // Sorted by name, so the entry reads back the same however it was written.
      overrides = java.util.Collections.unmodifiableSortedMap(new TreeMap<>(overrides));
    }
    p.throwIfAny();
  }

  public boolean isEmpty() {
    return defaults.isEmpty() && overrides.isEmpty();
  }

  /** The settings for clusters of {@code upstream}: the defaults with its override merged over. */
  public UpstreamSettings settingsFor(String upstream) {
    UpstreamSettings over = overrides.get(upstream);
    return over == null ? defaults : defaults.with(over);
  }
}
