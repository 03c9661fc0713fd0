package io.cairn.registry.config;

import java.util.Comparator;
import java.util.Objects;

/** Identifies a config entry: its kind and name. Ordered by kind, then name. */
public record ConfigEntryKey(ConfigEntryKind kind, String name)
    implements Comparable<ConfigEntryKey> {
  private static final Comparator<ConfigEntryKey> ORDER =
      Comparator.comparing(ConfigEntryKey::kind).thenComparing(ConfigEntryKey::name);

  public ConfigEntryKey {
    Objects.requireNonNull(kind, "kind");
    Objects.requireNonNull(name, "name");
  }

  @Override
  public int compareTo(ConfigEntryKey other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return kind.wireName() + "/" + name;
  }
}
