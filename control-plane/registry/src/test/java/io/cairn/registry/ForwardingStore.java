package io.cairn.registry;

import io.cairn.registry.store.Batch;
import io.cairn.registry.store.RegistryStore;
import io.cairn.registry.store.StoredState;

/** A store that hands every call to {@link InMemoryStore}; tests override what they watch. */
class ForwardingStore implements RegistryStore {
  private final InMemoryStore disk;
  private final String description;

  ForwardingStore(InMemoryStore disk, String description) {
    this.disk = disk;
    this.description = description;
  }

  @Override
  public StoredState load() {
    return disk.load();
  }

  @Override
  public StoredState recover() {
    return disk.recover();
  }

  @Override
  public void commit(Batch batch) {
    disk.commit(batch);
  }

  @Override
  public String describe() {
    return description;
  }

  @Override
  public void close() {}
}
