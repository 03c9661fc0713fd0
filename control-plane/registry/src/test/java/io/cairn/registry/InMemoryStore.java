package io.cairn.registry;

import io.cairn.registry.store.Batch;
import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.RegistryStore;
import io.cairn.registry.store.StoredRecord;
import io.cairn.registry.store.StoredState;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fake store for unit tests: keeps records in memory, and can be told to fail commits. At least
 * as strict as SQLite where the registry could misuse it: two calls at once (SQLite's one
 * connection would interleave their transactions) or a commit whose index does not follow the last
 * one are recorded as {@link #misuses()}.
 */
public final class InMemoryStore implements RegistryStore {
  private final Map<String, StoredRecord> records = new LinkedHashMap<>();
  private long lastIndex;
  private final AtomicBoolean failCommits = new AtomicBoolean();
  private final AtomicInteger commits = new AtomicInteger();
  private final AtomicInteger recoveries = new AtomicInteger();
  private final AtomicInteger failingCommit = new AtomicInteger(-1);
  private final List<Batch> batches = new ArrayList<>();
  private volatile CountDownLatch commitGate = new CountDownLatch(0);
  private final AtomicBoolean inUse = new AtomicBoolean();
  private final List<String> misuses = new CopyOnWriteArrayList<>();

  @Override
  public synchronized StoredState load() {
    return new StoredState(lastIndex, List.copyOf(records.values()));
  }

  /** Like a real store after a failed commit: fails while commits fail, else reads back. */
  @Override
  public StoredState recover() {
    enter("recover");
    try {
      recoveries.incrementAndGet();
      if (failCommits.get()) {
        throw new StoreException("disk still on fire (test)");
      }
      return load();
    } finally {
      inUse.set(false);
    }
  }

  /** Marks the store in use by one call, recording a misuse if another call is under way. */
  private void enter(String call) {
    if (!inUse.compareAndSet(false, true)) {
      misuses.add(call + " on " + Thread.currentThread().getName() + " while another call ran");
      inUse.set(true);
    }
  }

  /** What the registry did that SQLite would not have survived; empty if nothing. */
  public List<String> misuses() {
    return List.copyOf(misuses);
  }

  public int recoveryCount() {
    return recoveries.get();
  }

  /** Holds every commit until the latch returned is counted down. */
  public CountDownLatch holdCommits() {
    CountDownLatch gate = new CountDownLatch(1);
    commitGate = gate;
    return gate;
  }

  @Override
  public void commit(Batch batch) {
    enter("commit");
    try {
      try {
        commitGate.await();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new StoreException("interrupted while commits were held (test)");
      }
      commitNow(batch);
    } finally {
      inUse.set(false);
    }
  }

  private synchronized void commitNow(Batch batch) {
    if (failCommits.get() || failingCommit.compareAndSet(commits.get() + 1, -1)) {
      throw new StoreException("disk on fire (test)");
    }
    if (batch.index() <= lastIndex) {
      misuses.add("commit of index " + batch.index() + " after index " + lastIndex);
    }
    for (Mutation m : batch.mutations()) {
      switch (m) {
        case Mutation.Put put -> records.put(m.table() + "/" + m.key(), put.record());
        case Mutation.Delete del -> records.remove(m.table() + "/" + m.key());
      }
    }
    lastIndex = batch.index();
    batches.add(batch);
    commits.incrementAndGet();
  }

  public void failCommits(boolean fail) {
    failCommits.set(fail);
  }

  /** Fails only the {@code n}th commit (counting successful commits, from 1). */
  public void failCommitNumber(int n) {
    failingCommit.set(n);
  }

  /** Whether a record is stored, as {@code table/key}. */
  public synchronized boolean contains(String table, String key) {
    return records.containsKey(table + "/" + key);
  }

  public int commitCount() {
    return commits.get();
  }

  public synchronized List<Batch> batches() {
    return List.copyOf(batches);
  }

  @Override
  public String describe() {
    return "memory";
  }

  @Override
  public void close() {}
}
