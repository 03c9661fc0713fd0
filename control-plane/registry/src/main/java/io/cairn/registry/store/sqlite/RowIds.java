package io.cairn.registry.store.sqlite;

import java.util.OptionalLong;

/**
 * The row of every stored record of one table, by key: an open-addressing hash table of keys and
 * primitive rows. A {@code HashMap<String, Long>} held about 56 bytes per record besides the key (a
 * node and a boxed row); this holds 16-32. Not thread-safe: the store's committer owns it.
 */
final class RowIds {
  private static final int MIN_CAPACITY = 16;

  private String[] keys = new String[MIN_CAPACITY];
  private long[] rows = new long[MIN_CAPACITY];
  // 32 - log2(capacity): Fibonacci hashing takes a slot from the product's high bits.
  private int shift = 32 - Integer.numberOfTrailingZeros(MIN_CAPACITY);
  private int size;

  int size() {
    return size;
  }

  OptionalLong row(String key) {
    int slot = find(key);
    return keys[slot] == null ? OptionalLong.empty() : OptionalLong.of(rows[slot]);
  }

  /** Sets {@code key}'s row; returns whether it had one before. */
  boolean put(String key, long row) {
    int slot = find(key);
    boolean had = keys[slot] != null;
    keys[slot] = key;
    rows[slot] = row;
    if (!had && ++size > keys.length / 2) {
      resize(keys.length * 2);
    }
    return had;
  }

  void remove(String key) {
    int slot = find(key);
    if (keys[slot] == null) {
      return;
    }
    keys[slot] = null;
    size--;
    // Linear probing: move back the entries after the hole that no longer find their slot.
    int mask = keys.length - 1;
    for (int i = (slot + 1) & mask; keys[i] != null; i = (i + 1) & mask) {
      String k = keys[i];
      long r = rows[i];
      keys[i] = null;
      int to = find(k);
      keys[to] = k;
      rows[to] = r;
    }
    if (keys.length > MIN_CAPACITY && size < keys.length / 8) {
      resize(keys.length / 2);
    }
  }

  void clear() {
    keys = new String[MIN_CAPACITY];
    rows = new long[MIN_CAPACITY];
    shift = 32 - Integer.numberOfTrailingZeros(MIN_CAPACITY);
    size = 0;
  }

  /** The slot holding {@code key}, or the empty slot where it would go. */
  private int find(String key) {
    int mask = keys.length - 1;
    int slot = (key.hashCode() * 0x9E3779B9) >>> shift;
    while (keys[slot] != null && !keys[slot].equals(key)) {
      slot = (slot + 1) & mask;
    }
    return slot;
  }

  private void resize(int capacity) {
    String[] oldKeys = keys;
    long[] oldRows = rows;
    keys = new String[capacity];
    rows = new long[capacity];
    shift = 32 - Integer.numberOfTrailingZeros(capacity);
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != null) {
        int slot = find(oldKeys[i]);
        keys[slot] = oldKeys[i];
        rows[slot] = oldRows[i];
      }
    }
  }
}
