package io.cairn.registry.store;

/**
 * Durable home of the registry's state. The registry calls it from one thread at a time, each call
 * ordered after the previous one (happens-before), so an implementation needs no locking of its
 * own: {@link #load()} (or {@link #load(RecordSink)}) once at start, then {@link #commit(Batch)}
 * per group commit, from the writer's committer thread or from a caller writing while the writer is
 * idle.
 */
public interface RegistryStore extends AutoCloseable {
  /** Reads everything committed so far. Called once, before the first commit. */
  StoredState load();

  /**
   * Reads everything committed so far, as {@link #load()} does, handing each record to {@code
   * records} as it is read instead of collecting them; returns the last committed index. Called
   * once, before the first commit, in place of {@link #load()}.
   */
  default long load(RecordSink records) {
    StoredState state = load();
    for (StoredRecord r : state.records()) {
      records.accept(r.table(), r.key(), r.createIndex(), r.modifyIndex(), r.value());
    }
    return state.lastIndex();
  }

  /**
   * After a failed {@link #commit}: drops whatever the store holds in memory, reopens it, and reads
   * back what a restart would restore, making sure it is durable first. Then commits may follow.
   *
   * @throws io.cairn.registry.StoreException if the store still fails; the caller retries later
   */
  StoredState recover();

  /**
   * Applies {@code batch} atomically; it is durable (survives kill -9 and power loss as far as the
   * engine's fsync allows) when this returns. On failure nothing of the batch is applied and a
   * {@link io.cairn.registry.StoreException} is thrown.
   */
  void commit(Batch batch);

  /** A short description for logs, such as the database path. */
  String describe();

  @Override
  void close();
}
