package io.cairn.registry.kv;

import io.cairn.registry.model.Indexed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pcollections.TreePMap;

/**
 * The key/value entries at one index, and the indexes blocking reads of keys and prefixes wait on.
 *
 * @param entries every entry by key
 * @param index the last index at which any key changed
 * @param deleteIndex the last index at which a key was deleted: a prefix whose last key went away
 *     has no entry left to carry that change
 */
public record KvState(TreePMap<String, Indexed<KvEntry>> entries, long index, long deleteIndex) {
  public static final KvState EMPTY = new KvState(TreePMap.empty(), 0, 0);

  public KvState {
    java.util.Objects.requireNonNull(entries, "entries");
  }

  public Optional<Indexed<KvEntry>> entry(String key) {
    return Optional.ofNullable(entries.get(key));
  }

  /** The entries whose key starts with {@code prefix}, ordered by key. */
  public List<Indexed<KvEntry>> under(String prefix) {
    List<Indexed<KvEntry>> out = new ArrayList<>();
    for (Map.Entry<String, Indexed<KvEntry>> e : entries.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      out.add(e.getValue());
    }
    return List.copyOf(out);
  }

  /**
   * The index a read of one key reports (Consul's): the key's modify index, or, for a missing key,
   * the last change to any key.
   */
  public long keyIndex(String key) {
    Indexed<KvEntry> e = entries.get(key);
    return e != null ? e.modifyIndex() : index;
  }

  /**
   * The index a read of a prefix reports: the newest entry under it, or a later deletion anywhere;
   * the table's index when neither exists. Never below what the prefix shows, so a blocking read
   * misses no change; a deletion elsewhere only wakes it early.
   */
  public long prefixIndex(String prefix) {
    long max = deleteIndex;
    for (Indexed<KvEntry> e : under(prefix)) {
      max = Math.max(max, e.modifyIndex());
    }
    return max == 0 ? index : max;
  }

  public int size() {
    return entries.size();
  }
}
