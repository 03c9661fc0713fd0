package io.cairn.registry;

import io.cairn.registry.model.Indexed;

/** A pending change to one stored record, before encoding. */
sealed interface Write {
  Table table();

  String key();

  /** Creates or replaces {@code table/key} with {@code value}. */
  record Put(Table table, String key, Indexed<?> value) implements Write {}

  /** Removes {@code table/key}. */
  record Delete(Table table, String key) implements Write {}
}
