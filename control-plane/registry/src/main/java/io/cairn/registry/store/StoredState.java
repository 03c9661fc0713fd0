package io.cairn.registry.store;

import java.util.List;

/** Everything a store holds: the last committed index and every record. */
public record StoredState(long lastIndex, List<StoredRecord> records) {
  public static final StoredState EMPTY = new StoredState(0, List.of());

  public StoredState {
    if (lastIndex < 0) {
      throw new IllegalArgumentException("lastIndex must not be negative");
    }
    records = List.copyOf(records);
  }
}
