package io.cairn.registry.store;

import java.util.List;
import java.util.function.Supplier;

/**
 * What one commit to a {@link SharedStore} may carry, and whether mutations fit: etcd refuses a
 * transaction over {@code --max-txn-ops} operations or {@code --max-request-bytes}.
 *
 * @param maxMutations the most mutations in one commit ({@link SharedStore#maxMutations()})
 * @param maxBytes the most bytes of keys and values in one commit ({@link SharedStore#maxBytes()})
 */
public record CommitFit(int maxMutations, long maxBytes) {
  public CommitFit {
    if (maxMutations < 1 || maxBytes < 1) {
      throw new IllegalArgumentException("limits must be positive");
    }
  }

  /**
   * Whether {@code writes} writes fit the record count; writes to the same record merge, so over
   * the limit it counts the {@code merged} mutations.
   */
  public boolean fitsCount(int writes, Supplier<List<Mutation>> merged) {
    return writes <= maxMutations || merged.get().size() <= maxMutations;
  }

  /** Whether {@code mutations} fit the request size. */
  public boolean fitsBytes(List<Mutation> mutations) {
    return bytes(mutations) <= maxBytes;
  }

  /** The limits, for an error message. */
  public String describe() {
    return "at most " + maxMutations + " records and " + maxBytes + " bytes";
  }

  private static long bytes(List<Mutation> mutations) {
    long total = 0;
    for (Mutation m : mutations) {
      // Key, table and per-operation framing; values dominate.
      total += m.table().length() + m.key().length() + 64;
      if (m instanceof Mutation.Put put) {
        total += put.record().value().length;
      }
    }
    return total;
  }
}
