package io.cairn.registry.store;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

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
    List<Mutation> all = new ArrayList<>();
    long index = 0;
    for (Batch b : batches) {
      if (b.index <= index) {
        throw new IllegalArgumentException("batches must be in index order");
      }
      index = b.index;
      all.addAll(b.mutations);
    }
    return new Batch(index, lastPerRecord(all, m -> m.table() + "/" + m.key()));
  }

  /**
   * Of several changes to one record only the last counts; keeps that one for each record, in the
   * order of those last changes.
   */
  public static <T> List<T> lastPerRecord(List<T> changes, Function<T, String> record) {
    Map<String, T> last = new LinkedHashMap<>();
    for (T change : changes) {
      String id = record.apply(change);
      last.remove(id);
      last.put(id, change);
    }
    return List.copyOf(last.values());
  }
}
