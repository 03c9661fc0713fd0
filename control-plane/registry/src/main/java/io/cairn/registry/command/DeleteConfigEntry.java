package io.cairn.registry.command;

import io.cairn.registry.config.ConfigEntryKey;
import java.util.Objects;
import java.util.OptionalLong;

/**
 * Deletes a config entry; deleting a missing entry changes nothing.
 *
 * @param cas delete only if the entry's modify index is this value
 */
public record DeleteConfigEntry(ConfigEntryKey key, OptionalLong cas) implements Command {
  public DeleteConfigEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(cas, "cas");
  }

  public static DeleteConfigEntry of(ConfigEntryKey key) {
    return new DeleteConfigEntry(key, OptionalLong.empty());
  }
}
