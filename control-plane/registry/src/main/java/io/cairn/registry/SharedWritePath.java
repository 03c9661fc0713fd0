package io.cairn.registry;

import io.cairn.registry.command.CommandResult;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.store.CommitFit;
import io.cairn.registry.store.Mutation;
import io.cairn.registry.store.SharedStore;
import io.cairn.registry.store.SharedStore.CommitResult;
import io.cairn.registry.store.StoreEvent;
import io.cairn.registry.store.StoredState;
import io.cairn.registry.validation.ValidationException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Conditional commits to a {@link SharedStore} (etcd) that other replicas write too. One writer
 * thread applies every change the store reports (from any replica) in index order, and commits this
 * replica's commands: it applies a batch to the current snapshot, as the embedded path does, and
 * commits the resulting mutations on condition that the registry did not change meanwhile. If it
 * did, the writer catches up with the store and applies the batch again, so checks such as {@code
 * ?cas=} and instance ownership of checks hold across replicas. Every replica derives its snapshot
 * from the same mutations at the same index, so indexes and contents agree everywhere.
 *
 * <p>Without the store the snapshot stays as it was and keeps serving reads; writes fail with
 * {@link StoreUnavailableException}.
 */
final class SharedWritePath implements WritePath {
  private static final Logger log = LoggerFactory.getLogger(SharedWritePath.class);
  private static final int MAX_ATTEMPTS = 100;

  /** How long the writer waits to see another replica's commit after a conflict. */
  private static final Duration CATCH_UP = Duration.ofSeconds(10);

  /** How long close() lets the writer finish what it holds. */
  private static final Duration CLOSE_WAIT = Duration.ofSeconds(10);

  private final SharedStore store;
  private final RecordCodec codec = new RecordCodec();
  private final StoredChanges changes = new StoredChanges(codec);
  private final CommandApplier applier = new CommandApplier();
  private final CommitFit fit;
  private final Thread thread;

  /** Commands taken from the inbox, not answered yet. Writer thread only. */
  private final ArrayDeque<Pending> waiting = new ArrayDeque<>();

  /**
   * The state after every change applied so far, and what changed since the last publication.
   * Changes that arrive together are published once: each publication rebuilds DNS and xDS views,
   * and a replica following a busy cluster would otherwise do that per commit. Writer thread only.
   */
  private RegistrySnapshot latest;

  private final Set<String> unpublishedServices = new HashSet<>();
  private final Set<String> unpublishedInstances = new HashSet<>();
  private final Set<ConfigEntryKey> unpublishedConfig = new HashSet<>();

  private volatile Instant unavailableSince;

  // Set by start(): the writer this path serves.
  private RegistryWriter writer;
  private Publisher publisher;
  private WriterMetrics metrics;

  SharedWritePath(SharedStore store) {
    this.store = store;
    this.fit = new CommitFit(store.maxMutations(), store.maxBytes());
    this.thread = Thread.ofPlatform().daemon().name("registry-writer").unstarted(this::run);
  }

  @Override
  public RegistrySnapshot restore() {
    long started = System.nanoTime();
    RegistrySnapshot initial = codec.restore(store.load());
    log.atInfo()
        .addKeyValue("store", store.describe())
        .addKeyValue("index", initial.index())
        .addKeyValue("instances", initial.instanceCount())
        .addKeyValue("checks", initial.checkCount())
        .addKeyValue("load-ms", (System.nanoTime() - started) / 1_000_000)
        .log("registry loaded from the shared store");
    latest = initial;
    return initial;
  }

  @Override
  public void start(RegistryWriter writer) {
    this.writer = writer;
    this.publisher = writer.publisher();
    this.metrics = writer.metrics();
    metrics.storeAvailable(store::available);
    store.follow(writer.inbox()::event);
    thread.start();
  }

  @Override
  public WriteState state() {
    if (store.available()) {
      unavailableSince = null;
      return WriteState.WRITABLE;
    }
    Instant since = unavailableSince;
    if (since == null) {
      since = Instant.now();
      unavailableSince = since;
    }
    return new WriteState.Unwritable("the shared store (etcd) is unreachable", since);
  }

  @Override
  public boolean refusesWhileUnwritable() {
    return false; // the writer answers with the store's own reason
  }

  @Override
  public boolean runInline(Pending command) {
    return false; // a commit to etcd is a network round trip: the hand-off is not what costs
  }

  @Override
  public void join() throws InterruptedException {
    // Every store call the writer makes has a deadline; past this one, close the store under it
    // rather than keep the process from ending (its commands then fail).
    if (!thread.join(CLOSE_WAIT)) {
      log.atWarn()
          .addKeyValue("waited-s", CLOSE_WAIT.toSeconds())
          .log("registry writer still busy at close; closing the store under it");
      thread.interrupt();
    }
  }

  @Override
  public void closeStore() {
    store.close();
  }

  private void run() {
    try {
      while (true) {
        Object first = writer.inbox().poll(50, TimeUnit.MILLISECONDS);
        if (first != null) {
          take(first);
          drainInbox();
          flush();
        } else if (writer.closing() && waiting.isEmpty()) {
          break;
        }
        while (!waiting.isEmpty()) {
          writeRound();
          drainInbox();
          flush();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      writer.stop(t);
    } finally {
      StoreException failure = new StoreException("registry writer stopped");
      for (Pending p : waiting) {
        p.result().completeExceptionally(failure);
      }
      waiting.clear();
      writer.ended();
    }
  }

  private void drainInbox() {
    List<Object> items = new ArrayList<>();
    writer.inbox().drainTo(items, Integer.MAX_VALUE);
    items.forEach(this::take);
  }

  /** Applies a store event at once; queues a command for the next write round. */
  private void take(Object item) {
    switch (item) {
      case StoreEvent event -> onEvent(event);
      case Pending p -> waiting.add(p);
      default -> throw new IllegalStateException("unexpected inbox item " + item);
    }
  }

  private void onEvent(StoreEvent event) {
    switch (event) {
      case StoreEvent.Changed c -> {
        if (c.index() <= latest.index()) {
          return; // our own commit, applied when the store confirmed it
        }
        applyCommitted(latest, c.index(), c.mutations());
      }
      case StoreEvent.Reloaded r -> {
        flush();
        reload(latest, r.state());
      }
    }
  }

  /** Applies a commit to {@code base}; published at the next {@link #flush}. */
  private void applyCommitted(RegistrySnapshot base, long index, List<Mutation> mutations) {
    WorkingState work = changes.apply(base, index, mutations);
    latest = work.view();
    unpublishedServices.addAll(work.changedServices());
    unpublishedInstances.addAll(work.changedInstances());
    unpublishedConfig.addAll(work.changedConfig());
  }

  /** Publishes what was applied since the last publication, as one change. */
  private void flush() {
    flush(() -> {});
  }

  /**
   * Publishes what was applied since the last publication, running {@code answer} after the new
   * snapshot is current and before the readers waiting for a change are woken (at once if there is
   * nothing to publish).
   */
  private void flush(Runnable answer) {
    if (latest == publisher.snapshot()) {
      answer.run();
      return;
    }
    publisher.publish(latest, unpublishedServices, unpublishedInstances, unpublishedConfig, answer);
    unpublishedServices.clear();
    unpublishedInstances.clear();
    unpublishedConfig.clear();
  }

  /** Replaces the whole state; every service and config entry counts as changed. */
  private void reload(RegistrySnapshot current, StoredState state) {
    if (state.lastIndex() <= current.index()) {
      return; // nothing committed since; what we hold is what the store holds
    }
    RegistrySnapshot next = codec.restore(state);
    log.atWarn()
        .addKeyValue("from-index", current.index())
        .addKeyValue("to-index", next.index())
        .log("registry reloaded from the shared store (its history was compacted)");
    latest = next;
    publisher.replace(next);
  }

  /** Commits the next batch of waiting commands, catching up and retrying on conflicts. */
  private void writeRound() throws InterruptedException {
    List<Pending> batch = new ArrayList<>();
    while (batch.size() < RegistryWriter.MAX_BATCH && !waiting.isEmpty()) {
      batch.add(waiting.poll());
    }
    for (int attempt = 1; ; attempt++) {
      if (!store.available()) {
        failAll(batch, unavailable());
        return;
      }
      flush();
      RegistrySnapshot base = latest;
      Round round = apply(base, batch);
      batch = round.commands();
      if (round.mutations().isEmpty()) {
        Pending.answer(batch, round.results(), metrics);
        return;
      }
      CommitResult result;
      try {
        result = metrics.commit(() -> store.commit(base.index(), round.mutations()));
      } catch (StoreException e) {
        log.atWarn()
            .addKeyValue("commands", batch.size())
            .log("shared store commit failed: " + e.getMessage());
        failAll(batch, e);
        return;
      }
      switch (result) {
        case CommitResult.Committed c -> {
          applyCommitted(base, c.index(), round.mutations());
          metrics.batch(batch.size(), round.mutations().size());
          List<Pending> answered = batch;
          Object[] results = atIndex(round.results(), base.index(), c.index());
          flush(() -> Pending.answer(answered, results, metrics));
          return;
        }
        case CommitResult.Conflict c -> {
          metrics.conflict();
          if (attempt == MAX_ATTEMPTS || !catchUp(c.index())) {
            failAll(
                batch,
                new StoreUnavailableException(
                    "could not commit: the registry kept changing under this replica"
                        + " (another replica's change at index "
                        + c.index()
                        + " did not arrive in time)"));
            return;
          }
        }
      }
    }
  }

  /**
   * Commands applied together: those that fit in one store commit, their results, and the mutations
   * to commit.
   */
  private record Round(List<Pending> commands, Object[] results, List<Mutation> mutations) {}

  /**
   * Applies {@code batch} to {@code base}. Commands past the store's per-commit limits go back to
   * the front of the queue for the next round; a single command over the limits is rejected.
   */
  private Round apply(RegistrySnapshot base, List<Pending> batch) {
    WorkingState work = new WorkingState(base);
    Object[] results = new Object[batch.size()];
    int fitting = batch.size();
    for (int i = 0; i < batch.size(); i++) {
      WorkingState.Mark mark = work.mark();
      results[i] = applier.applyOrReject(work, batch.get(i).command());
      if (results[i] instanceof CommandResult
          && !fit.fitsCount(work.writes().size(), () -> mutations(work))) {
        work.reset(mark);
        if (i == 0) {
          results[i] = tooLarge();
        } else {
          fitting = i;
          break;
        }
      }
    }
    List<Mutation> mutations =
        work.writes().isEmpty() ? List.of() : codec.batch(work.index(), work.writes()).mutations();
    if (!fit.fitsBytes(mutations)) {
      if (fitting == 1) {
        return new Round(List.copyOf(batch.subList(0, 1)), new Object[] {tooLarge()}, List.of());
      }
      // Rare (values near etcd's request size limit): halve the round until it fits.
      fitting = fitting / 2;
      pushBack(batch, fitting);
      return apply(base, List.copyOf(batch.subList(0, fitting)));
    }
    pushBack(batch, fitting);
    return new Round(
        List.copyOf(batch.subList(0, fitting)), Arrays.copyOf(results, fitting), mutations);
  }

  /** Puts the commands from {@code from} on back at the front of the queue, in order. */
  private void pushBack(List<Pending> batch, int from) {
    for (int i = batch.size() - 1; i >= from; i--) {
      waiting.addFirst(batch.get(i));
    }
  }

  private List<Mutation> mutations(WorkingState work) {
    return codec.batch(work.index(), work.writes()).mutations();
  }

  private ValidationException tooLarge() {
    return ValidationException.of(
        "request",
        "this change writes more than one shared-store transaction takes ("
            + fit.describe()
            + "; see etcd's --max-txn-ops and --max-request-bytes)");
  }

  /** Waits for the store to deliver index {@code index}; false if it did not come in time. */
  private boolean catchUp(long index) throws InterruptedException {
    long deadline = System.nanoTime() + CATCH_UP.toNanos();
    while (latest.index() < index) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        return false;
      }
      Object item = writer.inbox().poll(remaining, TimeUnit.NANOSECONDS);
      if (item != null) {
        take(item);
      }
    }
    return true;
  }

  /** Results of a committed round carry the commit's index, the same on every replica. */
  private static Object[] atIndex(Object[] results, long base, long index) {
    Object[] out = results.clone();
    for (int i = 0; i < out.length; i++) {
      if (out[i] instanceof CommandResult r) {
        out[i] = r.atIndex(base, index);
      }
    }
    return out;
  }

  private void failAll(List<Pending> batch, StoreException failure) {
    Object[] results = new Object[batch.size()];
    Arrays.fill(results, failure);
    Pending.answer(batch, results, metrics);
  }

  private static StoreUnavailableException unavailable() {
    return new StoreUnavailableException(
        "the shared store (etcd) is unreachable: this replica serves reads only until it returns");
  }
}
