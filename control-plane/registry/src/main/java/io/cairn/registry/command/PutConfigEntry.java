package io.cairn.registry.command;

import io.cairn.registry.config.ConfigEntry;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Creates or replaces a config entry.
 *
 * @param cas check-and-set: 0 writes only if the entry does not exist, N only if its modify index
 *     is N; empty writes unconditionally
 */
public record PutConfigEntry(ConfigEntry entry, OptionalLong cas) implements Command {
  public PutConfigEntry {
    Objects.requireNonNull(entry, "entry");
    Objects.requireNonNull(cas, "cas");
  }

  public static PutConfigEntry of(ConfigEntry entry) {
    return new PutConfigEntry(entry, OptionalLong.empty());
  }
}
