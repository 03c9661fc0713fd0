package io.cairn.registry;

import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.SharedStore;
import io.cairn.registry.store.StoreEvent;
import io.cairn.registry.store.StoredRecord;
import io.cairn.registry.store.StoredState;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.Consumer;

/**
 * A fake of etcd for unit tests: one revision counter and one key space ({@link Server}) that
 * several replicas' stores share. Commits are conditional on the last registry change, as in the
 * etcd store; each replica gets every commit through its own delivery thread, like a watch.
 */
public final class InMemorySharedStore implements SharedStore {
  /** The shared key space. */
  public static final class Server {
    private final Map<String, StoredRecord> records = new TreeMap<>();
    private final List<InMemorySharedStore> clients = new ArrayList<>();
    private long revision;
    private long lastChange;
    private volatile boolean down;
    private volatile long commitDelayMillis;
    private volatile CountDownLatch commitGate = new CountDownLatch(0);

    public InMemorySharedStore connect(int maxMutations) {
      InMemorySharedStore store = new InMemorySharedStore(this, maxMutations);
      synchronized (this) {
        clients.add(store);
      }
      return store;
    }

    /** While down, every commit fails as unavailable and stores say so. */
    public void down(boolean down) {
      this.down = down;
    }

    /** Every commit takes at least {@code delay} (an etcd slower than the clients). */
    public void commitDelay(java.time.Duration delay) {
      this.commitDelayMillis = delay.toMillis();
    }

    /** Holds every commit until the latch returned is counted down. */
    public CountDownLatch holdCommits() {
      CountDownLatch gate = new CountDownLatch(1);
      commitGate = gate;
      return gate;
    }

    /** A write that is not registry state (a heartbeat): moves the revision only. */
    public synchronized void bumpRevision() {
      revision++;
    }

    synchronized SharedStore.CommitResult commit(long expected, List<Mutation> mutations) {
      if (expected != lastChange) {
        return new CommitResult.Conflict(lastChange);
      }
      revision++;
      for (Mutation m : mutations) {
        String key = m.table() + "/" + m.key();
        switch (m) {
          case Mutation.Put put -> {
            StoredRecord old = records.get(key);
            StoredRecord r = put.record();
            records.put(
                key,
                new StoredRecord(
                    r.table(),
                    r.key(),
                    old == null ? revision : old.createIndex(),
                    revision,
                    r.value()));
          }
          case Mutation.Delete d -> records.remove(key);
        }
      }
      lastChange = revision;
      StoreEvent.Changed event = new StoreEvent.Changed(revision, mutations);
      for (InMemorySharedStore c : clients) {
        c.events.add(event);
      }
      return new CommitResult.Committed(revision);
    }

    synchronized StoredState load() {
      return new StoredState(lastChange, List.copyOf(records.values()));
    }
  }

  private final Server server;
  private final int maxMutations;
  private final LinkedBlockingQueue<StoreEvent> events = new LinkedBlockingQueue<>();
  private volatile Thread delivery;

  private InMemorySharedStore(Server server, int maxMutations) {
    this.server = server;
    this.maxMutations = maxMutations;
  }

  @Override
  public StoredState load() {
    synchronized (server) {
      events.clear();
      return server.load();
    }
  }

  @Override
  public void follow(Consumer<StoreEvent> listener) {
    delivery =
        Thread.ofVirtual()
            .start(
                () -> {
                  try {
                    while (true) {
                      listener.accept(events.take());
                    }
                  } catch (InterruptedException e) {
                    // closed
                  }
                });
  }

  @Override
  public CommitResult commit(long expectedIndex, List<Mutation> mutations) {
    if (server.down) {
      throw new StoreUnavailableException("fake etcd is down");
    }
    long delay = server.commitDelayMillis;
    try {
      server.commitGate.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted while commits were held (test)", e);
    }
    if (delay > 0) {
      try {
        Thread.sleep(delay);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreUnavailableException("interrupted waiting for fake etcd", e);
      }
    }
    return server.commit(expectedIndex, mutations);
  }

  @Override
  public int maxMutations() {
    return maxMutations;
  }

  @Override
  public long maxBytes() {
    return 1 << 20;
  }

  @Override
  public boolean available() {
    return !server.down;
  }

  @Override
  public String describe() {
    return "in-memory shared store";
  }

  @Override
  public void close() {
    if (delivery != null) {
      delivery.interrupt();
    }
    synchronized (server) {
      server.clients.remove(this);
    }
  }
}
