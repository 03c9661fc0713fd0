package io.cairn.registry.store;

import java.util.List;

/**
 * The changes of one group commit, applied in order, after which the store's last index is {@code
 * index}.
 */
public record Batch(long index, List<Mutation> mutations) {
  public Batch {
    if (index < 1) {
      throw new IllegalArgumentException("a batch index starts at 1, was " + index);
    }
    mutations = List.copyOf(mutations);
  }
}
