package io.cairn.admin.kv;

import io.cairn.admin.http.Json;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.model.Indexed;
import java.util.List;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * The JSON of recent KV reads, reused while they answer the same entries. One write under a prefix
 * wakes every blocking query on it, and all of them answer the same entries: they are encoded once
 * rather than once per watcher. Entries are immutable and a new snapshot keeps the very objects of
 * the entries it did not change, so the same objects in the same order mean the same JSON, whatever
 * the request (an ACL-filtered read encodes what it may read, and matches only the same list).
 *
 * <p>Bounded: {@value #SLOTS} slots chosen by the key read, each holding one body of at most
 * {@value #MAX_CACHED_BYTES} bytes; larger answers are encoded every time. Thread-safe.
 */
final class EncodedEntries {
  static final int SLOTS = 32;
  static final int MAX_CACHED_BYTES = 128 * 1024;

  private record Encoded(List<Indexed<KvEntry>> entries, byte[] json) {}

  private final AtomicReferenceArray<Encoded> slots = new AtomicReferenceArray<>(SLOTS);

  /**
   * Consul's JSON array of {@code entries} (values included), as read for {@code key}. The array
   * returned may be shared: callers must not change it.
   */
  byte[] json(String key, List<Indexed<KvEntry>> entries) {
    int slot = Math.floorMod(key.hashCode(), SLOTS);
    Encoded last = slots.get(slot);
    if (last != null && sameObjects(last.entries(), entries)) {
      return last.json();
    }
    byte[] json = Json.bytes(entries.stream().map(e -> KvJson.encode(e, true)).toList());
    if (json.length <= MAX_CACHED_BYTES) {
      slots.set(slot, new Encoded(List.copyOf(entries), json));
    }
    return json;
  }

  private static boolean sameObjects(List<Indexed<KvEntry>> a, List<Indexed<KvEntry>> b) {
    if (a.size() != b.size()) {
      return false;
    }
    for (int i = 0; i < a.size(); i++) {
      if (a.get(i) != b.get(i)) {
        return false;
      }
    }
    return true;
  }
}
