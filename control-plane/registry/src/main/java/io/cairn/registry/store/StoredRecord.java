package io.cairn.registry.store;

import java.util.Arrays;
import java.util.Objects;

/**
 * One stored entry: its table and key, the indexes it was created and last modified at, and the
 * encoded value.
 */
public record StoredRecord(
    String table, String key, long createIndex, long modifyIndex, byte[] value) {
  public StoredRecord {
    Objects.requireNonNull(table, "table");
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    value = value.clone();
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof StoredRecord r
        && table.equals(r.table)
        && key.equals(r.key)
        && createIndex == r.createIndex
        && modifyIndex == r.modifyIndex
        && Arrays.equals(value, r.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(table, key, createIndex, modifyIndex, Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return table
        + "/"
        + key
        + "@"
        + createIndex
        + ".."
        + modifyIndex
        + " ("
        + value.length
        + " bytes)";
  }
}
