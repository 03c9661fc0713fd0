package io.cairn.registry.store;

import java.util.List;
import java.util.function.Consumer;

/**
 * A store several Cairn replicas share (etcd). Unlike {@link RegistryStore}, others write to it
 * too: a replica commits only if nothing changed since the state it applied its commands to
 * (optimistic concurrency on the whole registry), and learns every change, its own included, from
 * {@link #follow}. The store's revision is the registry index, the same on every replica.
 */
public interface SharedStore extends AutoCloseable {
  /** Reads everything; {@link #follow} then starts right after what this read. */
  StoredState load();

  /**
   * Delivers every change after the last {@link #load}, in index order, on one thread of the
   * store's. Called once.
   */
  void follow(Consumer<StoreEvent> listener);

  /**
   * Applies {@code mutations} atomically if the registry's last change is still {@code
   * expectedIndex}.
   *
   * @throws io.cairn.registry.StoreUnavailableException if the store cannot be reached or did not
   *     answer in time (the outcome is then unknown: the change may still appear through {@link
   *     #follow})
   * @throws io.cairn.registry.StoreException if the store refused the change
   */
  CommitResult commit(long expectedIndex, List<Mutation> mutations);

  /** The most mutations one commit may carry (etcd's {@code --max-txn-ops}, less bookkeeping). */
  int maxMutations();

  /** The most value bytes one commit may carry (within etcd's request size limit). */
  long maxBytes();

  /** Whether the store answered lately; when false, writes fail at once instead of waiting. */
  boolean available();

  /** A short description for logs, such as the endpoints and key prefix. */
  String describe();

  @Override
  void close();

  /** What a conditional commit did. */
  sealed interface CommitResult {
    /** Applied; the registry's index is now {@code index}. */
    record Committed(long index) implements CommitResult {}

    /** Not applied: another replica changed the registry; its last change is {@code index}. */
    record Conflict(long index) implements CommitResult {}
  }
}
