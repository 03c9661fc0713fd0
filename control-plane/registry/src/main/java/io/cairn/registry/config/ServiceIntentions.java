package io.cairn.registry.config;

import io.cairn.registry.validation.Metadata;
import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The intentions whose destination is {@code name} (or {@code *}): one source per calling service.
 * Each source-destination pair is one of Consul's intentions.
 */
public record ServiceIntentions(
    String name, List<IntentionSource> sources, Map<String, String> meta) implements ConfigEntry {
  public static final String WILDCARD = "*";

  public ServiceIntentions {
    Problems p = new Problems();
    if (!WILDCARD.equals(name)) {
      Names.serviceName(p, "name", name);
    }
    if (sources == null) {
      p.add("sources", "must not be null (use an empty list)");
      sources = List.of();
    }
    sources = List.copyOf(sources);
    Set<String> seen = new HashSet<>();
    for (int i = 0; i < sources.size(); i++) {
      if (!seen.add(sources.get(i).name())) {
        p.add(
            "sources[" + i + "].name", "'" + sources.get(i).name() + "' is listed more than once");
      }
    }
    meta = Metadata.check(p, "meta", meta);
    p.throwIfAny();
  }

  @Override
  public ConfigEntryKind kind() {
    return ConfigEntryKind.SERVICE_INTENTIONS;
  }

  public boolean isWildcard() {
    return WILDCARD.equals(name);
  }

  /**
   * Consul's precedence of an intention: exact beats wildcard, and the destination counts more than
   * the source (9 exact to exact, 8 wildcard source, 6 wildcard destination, 5 both).
   */
  public int precedence(IntentionSource source) {
    if (!isWildcard()) {
      return source.isWildcard() ? 8 : 9;
    }
    return source.isWildcard() ? 5 : 6;
  }
}
