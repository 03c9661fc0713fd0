package io.cairn.registry.kv;

import java.util.Arrays;
import java.util.Objects;
import java.util.Optional;

/**
 * One key and its value, as Consul keeps it: opaque bytes, a client-defined 64-bit {@code flags},
 * the session holding its lock if any, and how many times a lock on it was acquired.
 */
public record KvEntry(
    String key, long flags, byte[] value, Optional<String> session, long lockIndex) {
  /** Consul's {@code kv_max_value_size}. */
  public static final int MAX_VALUE_BYTES = 512 * 1024;

  /** Longer keys are refused: a key names a value, it does not carry one. */
  public static final int MAX_KEY_BYTES = 2048;

  public KvEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    Objects.requireNonNull(session, "session");
    if (lockIndex < 0) {
      throw new IllegalArgumentException("a lock index is never negative");
    }
    if (key.isEmpty()) {
      throw new IllegalArgumentException("a key must not be empty");
    }
    value = value.clone();
  }

  /** An entry no session holds. */
  public KvEntry(String key, long flags, byte[] value) {
    this(key, flags, value, Optional.empty(), 0);
  }

  /** This entry's key with another value and flags, keeping its lock. */
  public KvEntry withValue(long newFlags, byte[] newValue) {
    return new KvEntry(key, newFlags, newValue, session, lockIndex);
  }

  /** This entry held by {@code holder} (or by none), with {@code newLockIndex}. */
  public KvEntry withLock(Optional<String> holder, long newLockIndex) {
    return new KvEntry(key, flags, value, holder, newLockIndex);
  }

  @Override
  public byte[] value() {
    return value.clone();
  }

  /** The value's length, without copying it. */
  public int size() {
    return value.length;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof KvEntry e
        && key.equals(e.key)
        && flags == e.flags
        && Arrays.equals(value, e.value)
        && session.equals(e.session)
        && lockIndex == e.lockIndex;
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, flags, Arrays.hashCode(value), session, lockIndex);
  }

  @Override
  public String toString() {
    return "KvEntry["
        + key
        + ", flags="
        + flags
        + ", "
        + value.length
        + " bytes"
        + session.map(id -> ", held by " + id + " (lock " + lockIndex + ")").orElse("")
        + "]";
  }
}
