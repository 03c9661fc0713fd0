package io.cairn.registry.store;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

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

  /**
   * Consecutive batches as one: the last index, and for each record only its last mutation (a
   * batch's mutations then touch distinct records, so their order no longer matters).
   */
  public static Batch merge(List<Batch> batches) {
    if (batches.size() == 1) {
      return batches.getFirst();
    }
    Map<String, Mutation> last = new LinkedHashMap<>();
    long index = 0;
    for (Batch b : batches) {
      if (b.index <= index) {
        throw new IllegalArgumentException("batches must be in index order");
      }
      index = b.index;
      for (Mutation m : b.mutations) {
        String id = m.table() + "/" + m.key();
        last.remove(id);
        last.put(id, m);
      }
    }
    return new Batch(index, List.copyOf(last.values()));
  }
}
