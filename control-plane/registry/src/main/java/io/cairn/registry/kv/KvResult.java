package io.cairn.registry.kv;

import io.cairn.registry.model.Indexed;
import java.util.Objects;

/**
 * An entry a transaction operation returns: reads return the value, writes only the entry's
 * metadata (Consul leaves {@code Value} out of write results).
 */
public record KvResult(Indexed<KvEntry> entry, boolean withValue) {
  public KvResult {
    Objects.requireNonNull(entry, "entry");
  }

  /** This result with the indexes above {@code base} (not yet numbered) set to {@code actual}. */
  public KvResult reindexed(long base, long actual) {
    long create = entry.createIndex() > base ? actual : entry.createIndex();
    long modify = entry.modifyIndex() > base ? actual : entry.modifyIndex();
    return new KvResult(new Indexed<>(entry.value(), create, modify), withValue);
  }
}
