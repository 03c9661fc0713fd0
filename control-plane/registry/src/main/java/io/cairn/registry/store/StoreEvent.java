package io.cairn.registry.store;

import java.util.List;
import java.util.Objects;

/** What a {@link SharedStore} tells the replicas following it. */
public sealed interface StoreEvent {
  /**
   * One commit, by any replica: after it the registry's index is {@code index}. Puts carry the
   * value; their indexes are left to the registry, which derives them the same way on every
   * replica.
   */
  record Changed(long index, List<Mutation> mutations) implements StoreEvent {
    public Changed {
      if (index < 1) {
        throw new IllegalArgumentException("index must be positive, was " + index);
      }
      mutations = List.copyOf(mutations);
    }
  }

  /**
   * The changes since the last event can no longer be read one by one (the store compacted its
   * history while this replica was away): here is everything instead.
   */
  record Reloaded(StoredState state) implements StoreEvent {
    public Reloaded {
      Objects.requireNonNull(state, "state");
    }
  }
}
