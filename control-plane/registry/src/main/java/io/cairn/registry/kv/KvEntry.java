package io.cairn.registry.kv;

import java.util.Arrays;
import java.util.Objects;

/**
 * One key and its value, as Consul keeps it: opaque bytes and a client-defined 64-bit {@code
 * flags}.
 */
public record KvEntry(String key, long flags, byte[] value) {
  /** Consul's {@code kv_max_value_size}. */
  public static final int MAX_VALUE_BYTES = 512 * 1024;

  /** Longer keys are refused: a key names a value, it does not carry one. */
  public static final int MAX_KEY_BYTES = 2048;

  public KvEntry {
    Objects.requireNonNull(key, "key");
    Objects.requireNonNull(value, "value");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("a key must not be empty");
    }
    value = value.clone();
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
        && Arrays.equals(value, e.value);
  }

  @Override
  public int hashCode() {
    return Objects.hash(key, flags, Arrays.hashCode(value));
  }

  @Override
  public String toString() {
    return "KvEntry[" + key + ", flags=" + flags + ", " + value.length + " bytes]";
  }
}
