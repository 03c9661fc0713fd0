package io.cairn.xds.cache;

import java.util.AbstractMap;
import java.util.AbstractSet;
import java.util.Collection;
import java.util.HashMap;
import java.util.Iterator;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Set;

/**
 * An immutable map from resource names, split into shards by hash so that the next version copies
 * only the shards a change touches: one changed service among 10,000 copies about 1/64th of each
 * map instead of all of it. Readers on other threads see a finished, never-changing map.
 */
final class ShardedMap<V> extends AbstractMap<String, V> {
  private static final int SHARDS = 64;
  private static final ShardedMap<?> EMPTY = new ShardedMap<>(emptyShards(), 0);

  private final Map<String, V>[] shards;
  private final int size;

  private ShardedMap(Map<String, V>[] shards, int size) {
    this.shards = shards;
    this.size = size;
  }

  @SuppressWarnings("unchecked")
  static <V> ShardedMap<V> empty() {
    return (ShardedMap<V>) EMPTY;
  }

  @SuppressWarnings("unchecked")
  private static <V> Map<String, V>[] emptyShards() {
    Map<String, V>[] shards = new Map[SHARDS];
    java.util.Arrays.fill(shards, Map.of());
    return shards;
  }

  private static int shard(Object key) {
    return Math.floorMod(key.hashCode() * 0x9E3779B9, SHARDS);
  }

  /** A new map with {@code puts} put and {@code removes} removed; untouched shards are shared. */
  ShardedMap<V> with(Map<String, V> puts, Collection<String> removes) {
    if (puts.isEmpty() && removes.isEmpty()) {
      return this;
    }
    Map<String, V>[] next = shards.clone();
    boolean[] copied = new boolean[SHARDS];
    int n = size;
    for (String key : removes) {
      int s = shard(key);
      if (next[s].containsKey(key)) {
        n -= copy(next, copied, s).remove(key) != null ? 1 : 0;
      }
    }
    for (Map.Entry<String, V> e : puts.entrySet()) {
      n += copy(next, copied, shard(e.getKey())).put(e.getKey(), e.getValue()) == null ? 1 : 0;
    }
    return new ShardedMap<>(next, n);
  }

  /**
   * Keys whose value differs (by identity) from {@code previous}, or that only one of the two has.
   * Shards the two share are skipped, so the cost follows the change.
   */
  java.util.Set<String> changedKeys(ShardedMap<V> previous) {
    java.util.Set<String> out = new java.util.HashSet<>();
    for (int s = 0; s < SHARDS; s++) {
      Map<String, V> now = shards[s];
      Map<String, V> before = previous.shards[s];
      if (now == before) {
        continue;
      }
      now.forEach(
          (k, v) -> {
            if (before.get(k) != v) {
              out.add(k);
            }
          });
      for (String k : before.keySet()) {
        if (!now.containsKey(k)) {
          out.add(k);
        }
      }
    }
    return out;
  }

  private Map<String, V> copy(Map<String, V>[] next, boolean[] copied, int s) {
    if (!copied[s]) {
      next[s] = new HashMap<>(next[s]);
      copied[s] = true;
    }
    return next[s];
  }

  @Override
  public V get(Object key) {
    return key == null ? null : shards[shard(key)].get(key);
  }

  @Override
  public boolean containsKey(Object key) {
    return key != null && shards[shard(key)].containsKey(key);
  }

  @Override
  public int size() {
    return size;
  }

  @Override
  public Set<Entry<String, V>> entrySet() {
    return new AbstractSet<>() {
      @Override
      public Iterator<Entry<String, V>> iterator() {
        return new Iterator<>() {
          private int shard = 0;
          private Iterator<Entry<String, V>> current = shards[0].entrySet().iterator();

          @Override
          public boolean hasNext() {
            while (!current.hasNext() && shard < SHARDS - 1) {
              current = shards[++shard].entrySet().iterator();
            }
            return current.hasNext();
          }

          @Override
          public Entry<String, V> next() {
            if (!hasNext()) {
              throw new NoSuchElementException();
            }
            Entry<String, V> e = current.next();
            return Map.entry(e.getKey(), e.getValue());
          }
        };
      }

      @Override
      public int size() {
        return size;
      }
    };
  }
}
