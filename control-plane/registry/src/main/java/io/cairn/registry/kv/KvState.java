package io.cairn.registry.kv;

import io.cairn.registry.model.Indexed;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.pcollections.TreePMap;

/**
 * The key/value entries and sessions at one index, and the indexes blocking reads wait on.
 *
 * @param entries every entry by key
 * @param index the last index at which any key changed
 * @param deleteIndex the last index at which a key was deleted: a prefix whose last key went away
 *     has no entry left to carry that change
 * @param sessions every session by id
 * @param sessionIndex the last index at which any session changed
 * @param lockDelays keys that cannot be locked before a wall-clock time (epoch millis), after the
 *     session holding them was invalidated. Kept in memory only, as Consul keeps them: a restart
 *     forgets them
 */
public record KvState(
    TreePMap<String, Indexed<KvEntry>> entries,
    long index,
    long deleteIndex,
    TreePMap<String, Indexed<Session>> sessions,
    long sessionIndex,
    TreePMap<String, Long> lockDelays) {
  public static final KvState EMPTY =
      new KvState(TreePMap.empty(), 0, 0, TreePMap.empty(), 0, TreePMap.empty());

  public KvState {
    java.util.Objects.requireNonNull(entries, "entries");
    java.util.Objects.requireNonNull(sessions, "sessions");
    java.util.Objects.requireNonNull(lockDelays, "lockDelays");
  }

  public KvState withEntries(TreePMap<String, Indexed<KvEntry>> e, long at, long deletedAt) {
    return new KvState(e, at, deletedAt, sessions, sessionIndex, lockDelays);
  }

  public KvState withSessions(TreePMap<String, Indexed<Session>> s, long at) {
    return new KvState(entries, index, deleteIndex, s, at, lockDelays);
  }

  public KvState withLockDelays(TreePMap<String, Long> delays) {
    return new KvState(entries, index, deleteIndex, sessions, sessionIndex, delays);
  }

  public Optional<Indexed<Session>> session(String id) {
    return Optional.ofNullable(sessions.get(id));
  }

  /** Whether {@code key} may not be locked at {@code nowMillis}: a lock delay is running. */
  public boolean lockDelayed(String key, long nowMillis) {
    Long until = lockDelays.get(key);
    return until != null && nowMillis < until;
  }

  /** The keys {@code sessionId} holds, ordered. */
  public List<Indexed<KvEntry>> heldBy(String sessionId) {
    List<Indexed<KvEntry>> out = new ArrayList<>();
    for (Indexed<KvEntry> e : entries.values()) {
      if (e.value().session().filter(sessionId::equals).isPresent()) {
        out.add(e);
      }
    }
    return List.copyOf(out);
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
    // Walks the entries in place: every blocking read of the prefix computes this when woken.
    long max = deleteIndex;
    for (Map.Entry<String, Indexed<KvEntry>> e : entries.tailMap(prefix, true).entrySet()) {
      if (!e.getKey().startsWith(prefix)) {
        break;
      }
      max = Math.max(max, e.getValue().modifyIndex());
    }
    return max == 0 ? index : max;
  }

  public int size() {
    return entries.size();
  }
}
