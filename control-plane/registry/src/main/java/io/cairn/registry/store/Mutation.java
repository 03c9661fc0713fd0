package io.cairn.registry.store;

import java.util.Objects;

/** A change to one stored record. */
public sealed interface Mutation {
  String table();

  String key();

  /** Creates or replaces a record. */
  record Put(StoredRecord record) implements Mutation {
    public Put {
      Objects.requireNonNull(record, "record");
    }

    @Override
    public String table() {
      return record.table();
    }

    @Override
    public String key() {
      return record.key();
    }
  }

  /** Removes a record if it exists. */
  record Delete(String table, String key) implements Mutation {
    public Delete {
      Objects.requireNonNull(table, "table");
      Objects.requireNonNull(key, "key");
    }
  }
}
