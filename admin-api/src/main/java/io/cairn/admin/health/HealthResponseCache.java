package io.cairn.admin.health;

import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * Encoded {@code /v1/health/service} responses keyed by service, flags and tags, each valid for
 * exactly one service index: while nothing about the service changes, a read is a map lookup and a
 * copy of bytes. Unfiltered requests only; bounded, and cleared when full.
 */
final class HealthResponseCache {
  private static final int MAX_ENTRIES = 20_000;

  record Key(String service, boolean passing, List<String> tags) {}

  private record Entry(long serviceIndex, byte[] body) {}

  private final Map<Key, Entry> entries = new ConcurrentHashMap<>();

  /** The encoded response for {@code key} at {@code serviceIndex}, encoding it if not cached. */
  byte[] get(Key key, long serviceIndex, Supplier<byte[]> encode) {
    Entry e = entries.get(key);
    if (e != null && e.serviceIndex == serviceIndex) {
      return e.body;
    }
    byte[] body = encode.get();
    if (entries.size() >= MAX_ENTRIES) {
      entries.clear();
    }
    entries.put(key, new Entry(serviceIndex, body));
    return body;
  }
}
