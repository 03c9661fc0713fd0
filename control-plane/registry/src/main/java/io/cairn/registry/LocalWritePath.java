package io.cairn.registry;

import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.store.Batch;
import io.cairn.registry.store.RegistryStore;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes to an embedded store ({@link RegistryStore}, SQLite) that this process owns: inline when
 * the writer is idle, otherwise in group commits.
 *
 * <p>A caller of {@link Registry#apply} that finds nothing being written (nothing queued, nothing
 * applied but not yet published, no commit or store recovery running, writes open) takes the turn
 * ({@link #runInline}): on its own thread it applies its command to the published snapshot, commits
 * it in one store transaction and publishes it, answering itself before waking readers, with no
 * hand-off to another thread. Only one caller holds the turn; others, and every {@link
 * Registry#submit}, queue.
 *
 * <p>Queued commands go through the pipeline: an applier thread takes every queued command (up to
 * {@value RegistryWriter#MAX_BATCH}), applies them one by one to a working copy and encodes their
 * writes (holding the turn while it does); a committer thread commits each batch in one store
 * transaction (one fsync: group commit) and only then publishes the new snapshot, answering the
 * callers before it wakes the readers waiting for a change (see {@link
 * Publisher#publish(RegistrySnapshot, Set, Set, Set, Runnable)}). The two overlap: the next batch
 * is applied while the previous one is being fsynced. The applier applies on top of its previous
 * batch while that one is in flight, and on the published snapshot once nothing is (an inline write
 * may have been published since).
 *
 * <p>A command that fails validation is rolled back alone. A failed commit, inline or not, fails
 * its batch and every batch applied on top of it, and closes writes: the committer reopens the
 * store and reads back what a restart would restore, publishes that, and only then takes writes
 * again (retrying with backoff while the fault lasts). Writes meanwhile fail at once with {@link
 * StoreUnavailableException}. Batches without writes also go through the committer, because what
 * they read may not be durable yet; an inline command reads only what is published, which is
 * durable.
 */
final class LocalWritePath implements WritePath {
  private static final Logger log = LoggerFactory.getLogger(LocalWritePath.class);

  private final RegistryStore store;
  private final RecordCodec codec = new RecordCodec();
  private final CommandApplier applier = new CommandApplier();
  private final BlockingQueue<AppliedBatch> toCommit = new ArrayBlockingQueue<>(64);
  private final Thread applierThread;
  private final Thread committerThread;

  /** Bumped when a commit fails; batches applied in an older epoch are void. */
  private final AtomicLong epoch = new AtomicLong();

  private final StoreIncidentLog incidents =
      new StoreIncidentLog(log, Duration.ofSeconds(10), System::nanoTime);

  /**
   * The turn to apply: the applier holds it around each batch it applies, an inline writer from
   * applying to publishing. Never waited for by a caller.
   */
  private final ReentrantLock turn = new ReentrantLock();

  /**
   * Items the committer has yet to finish: batches put by the applier (counted under {@link #turn})
   * and recoveries handed over by an inline writer, until published, answered or recovered. While
   * it is zero the store and the publisher are idle, and {@link Publisher#snapshot()} is the latest
   * state.
   */
  private final AtomicInteger inFlight = new AtomicInteger();

  private volatile WriteState state = WriteState.WRITABLE;

  // Set by start(): the writer this path serves.
  private RegistryWriter writer;
  private Publisher publisher;
  private WriterMetrics metrics;

  /**
   * Commands applied together, waiting for the committer.
   *
   * @param results per command: a {@link io.cairn.registry.command.CommandResult} or the {@link
   *     RuntimeException} rejecting it
   * @param stored the store batch, empty when nothing was written
   */
  private record AppliedBatch(
      long epoch,
      List<Pending> commands,
      Object[] results,
      RegistrySnapshot snapshot,
      Set<String> services,
      Set<String> instances,
      Set<ConfigEntryKey> configEntries,
      Optional<Batch> stored) {}

  /** Handed to the committer when the applier ends. */
  private static final AppliedBatch END = marker();

  /** Handed to the committer by an inline writer whose commit failed: reopen the store. */
  private static final AppliedBatch RECOVER = marker();

  private static AppliedBatch marker() {
    return new AppliedBatch(
        -1,
        List.of(),
        new Object[0],
        RegistrySnapshot.EMPTY,
        Set.of(),
        Set.of(),
        Set.of(),
        Optional.empty());
  }

  LocalWritePath(RegistryStore store) {
    this.store = store;
    this.applierThread = Thread.ofPlatform().name("registry-writer").unstarted(this::runApplier);
    this.committerThread =
        Thread.ofPlatform().name("registry-committer").unstarted(this::runCommitter);
  }

  @Override
  public RegistrySnapshot restore() {
    long started = System.nanoTime();
    RegistrySnapshot initial = codec.restore(store);
    log.atInfo()
        .addKeyValue("store", store.describe())
        .addKeyValue("index", initial.index())
        .addKeyValue("instances", initial.instanceCount())
        .addKeyValue("checks", initial.checkCount())
        .addKeyValue("restore-ms", (System.nanoTime() - started) / 1_000_000)
        .log("registry restored");
    return initial;
  }

  @Override
  public void start(RegistryWriter writer) {
    this.writer = writer;
    this.publisher = writer.publisher();
    this.metrics = writer.metrics();
    committerThread.start();
    applierThread.start();
  }

  @Override
  public WriteState state() {
    return state;
  }

  @Override
  public boolean refusesWhileUnwritable() {
    return true;
  }

  @Override
  public void join() throws InterruptedException {
    applierThread.join();
    committerThread.join();
  }

  @Override
  public void closeStore() {
    store.close();
  }

  private void runApplier() {
    List<Pending> batch = new ArrayList<>(RegistryWriter.MAX_BATCH);
    List<Object> taken = new ArrayList<>(RegistryWriter.MAX_BATCH);
    RegistrySnapshot applied = publisher.snapshot();
    long appliedEpoch = epoch.get();
    try {
      while (true) {
        Object first = writer.inbox().poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (writer.closing()) {
            break;
          }
          if (inFlight.get() == 0) {
            // Idle: the next batch starts from the published snapshot. Don't keep an old one
            // alive while callers write inline.
            applied = null;
          }
          continue;
        }
        taken.add(first);
        writer.inbox().drainTo(taken, RegistryWriter.MAX_BATCH - 1);
        taken.forEach(item -> batch.add((Pending) item));
        taken.clear();
        AppliedBatch next;
        turn.lock();
        try {
          WriteState now = writer.writeState();
          if (!now.writable()) {
            StoreUnavailableException refused = RegistryWriter.refusal(now);
            batch.forEach(p -> p.result().completeExceptionally(refused));
            batch.clear();
            continue;
          }
          if (applied == null || inFlight.get() == 0 || epoch.get() != appliedEpoch) {
            // Everything is published (an inline writer may have written since our last batch),
            // or a commit failed and what we applied on top of it is void: start from what is
            // durable.
            appliedEpoch = epoch.get();
            applied = publisher.snapshot();
          }
          next = apply(appliedEpoch, applied, List.copyOf(batch));
          inFlight.incrementAndGet();
        } finally {
          turn.unlock();
        }
        batch.clear();
        handOff(next);
        applied = next.snapshot();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      stop(t);
      for (Pending p : batch) {
        p.result().completeExceptionally(RegistryWriter.refusal(writer.writeState()));
      }
    } finally {
      // Wait for an inline writer to finish; none starts after this, since we are closing or
      // stopped.
      turn.lock();
      try {
        writer.ended();
        handOff(END);
      } finally {
        turn.unlock();
      }
    }
  }

  /**
   * Runs {@code command} on the caller's thread if nothing else is being written: applies it on the
   * published snapshot, commits it and publishes it, as the applier and committer would for a batch
   * of one, without handing it to either. A failed commit closes writes as a failed batch does, and
   * the committer reopens the store.
   *
   * @return false, having done nothing, if the command must be queued instead
   */
  @Override
  public boolean runInline(Pending command) {
    if (!turn.tryLock()) {
      return false;
    }
    try {
      if (inFlight.get() != 0
          || writer.inbox().commands() != 0
          || writer.closing()
          || !writer.writeState().writable()) {
        return false;
      }
      AppliedBatch batch = apply(epoch.get(), publisher.snapshot(), List.of(command));
      metrics.inline();
      if (commitOrStop(List.of(batch))) {
        // Closed writes and answered the caller; the committer reopens the store.
        inFlight.incrementAndGet();
        handOff(RECOVER);
      }
      return true;
    } catch (RuntimeException | Error e) {
      // Not a store error (commit handles those): a bug, as in the applier.
      stop(e);
      command.result().completeExceptionally(RegistryWriter.refusal(writer.writeState()));
      return true;
    } finally {
      turn.unlock();
    }
  }

  /** Puts {@code batch} for the committer even if this thread was interrupted (shutdown). */
  private void handOff(AppliedBatch batch) {
    boolean interrupted = Thread.interrupted();
    while (true) {
      try {
        toCommit.put(batch);
        break;
      } catch (InterruptedException e) {
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  private AppliedBatch apply(long batchEpoch, RegistrySnapshot base, List<Pending> batch) {
    WorkingState work = new WorkingState(base);
    Object[] results = new Object[batch.size()];
    for (int i = 0; i < batch.size(); i++) {
      results[i] = applier.applyOrReject(work, batch.get(i).command());
    }
    Optional<Batch> stored = Optional.empty();
    if (!work.writes().isEmpty()) {
      try {
        stored = Optional.of(codec.batch(work.index(), work.writes()));
      } catch (RuntimeException e) {
        // Nothing of this batch can be stored: answer every command with the failure.
        Pending.fail(
            results, e instanceof StoreException se ? se : new StoreException(e.toString(), e));
        return new AppliedBatch(
            batchEpoch, batch, results, base, Set.of(), Set.of(), Set.of(), Optional.empty());
      }
    }
    return new AppliedBatch(
        batchEpoch,
        batch,
        results,
        work.view(),
        work.changedServices(),
        work.changedInstances(),
        work.changedConfig(),
        stored);
  }

  private void runCommitter() {
    List<AppliedBatch> group = new ArrayList<>();
    try {
      while (true) {
        group.add(toCommit.take());
        toCommit.drainTo(group);
        boolean end = group.getLast() == END;
        if (end) {
          group.removeLast();
        }
        int taken = group.size();
        if (!group.isEmpty()) {
          try {
            boolean recover;
            if (group.getFirst() == RECOVER) {
              // An inline commit failed (nothing was in flight, so RECOVER comes first); what was
              // applied after it is void.
              group.removeFirst();
              failGroup(group, RegistryWriter.refusal(writer.writeState()));
              recover = true;
            } else {
              recover = commitOrStop(group);
            }
            if (recover) {
              if (end) {
                log.warn("registry closed while the store was failed");
              } else if (recoverStore()) {
                end = true; // closed while recovering
              }
            }
          } catch (RuntimeException | Error e) {
            // A bug while reopening the store. Stop taking writes.
            stop(e);
            failGroup(group, RegistryWriter.refusal(writer.writeState()));
          } finally {
            inFlight.addAndGet(-taken);
          }
        }
        group.clear();
        if (end) {
          incidents.close();
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /**
   * Commits {@code group} ({@link #commit}) unless the writer stopped; an error that is not the
   * store's (a bug) stops the writer. Either way every command of the group is answered.
   *
   * @return whether the store failed (writes are then closed until {@link #recoverStore})
   */
  private boolean commitOrStop(List<AppliedBatch> group) {
    try {
      if (writer.writeState() instanceof WriteState.Stopped stoppedBy) {
        failGroup(group, RegistryWriter.refusal(stoppedBy));
        return false;
      }
      return commit(group);
    } catch (RuntimeException | Error e) {
      // Not a store error (those are handled in commit): a bug. Stop taking writes.
      stop(e);
      failGroup(group, RegistryWriter.refusal(writer.writeState()));
      return false;
    }
  }

  /** Fails every batch of {@code group} that is not answered yet. */
  private void failGroup(List<AppliedBatch> group, StoreException failure) {
    for (AppliedBatch b : group) {
      if (!b.commands().isEmpty() && !b.commands().getFirst().result().isDone()) {
        Pending.fail(b.results(), failure);
        answer(b);
      }
    }
  }

  /** Stops the writer for good: voids what was applied, then lets the writer report it. */
  private void stop(Throwable cause) {
    epoch.incrementAndGet();
    writer.stop(cause);
  }

  /**
   * Commits every batch the applier produced while the previous commit ran, in one transaction:
   * group commit across pipeline stages.
   *
   * @return whether the store failed (writes are then closed until {@link #recoverStore})
   */
  private boolean commit(List<AppliedBatch> group) {
    List<AppliedBatch> live = new ArrayList<>(group.size());
    for (AppliedBatch batch : group) {
      if (batch.epoch() == epoch.get()) {
        live.add(batch);
      } else {
        Pending.fail(
            batch.results(),
            new StoreUnavailableException("not applied: an earlier store commit failed"));
        answer(batch);
      }
    }
    List<Batch> stored = live.stream().flatMap(b -> b.stored().stream()).toList();
    if (!stored.isEmpty()) {
      Batch merged = Batch.merge(stored);
      int commands = live.stream().mapToInt(b -> b.commands().size()).sum();
      try {
        metrics.commit(
            () -> {
              store.commit(merged);
              return null;
            });
        metrics.batch(commands, merged.mutations().size());
      } catch (RuntimeException e) {
        // Close writes before answering, so that a caller retrying at once is refused too.
        epoch.incrementAndGet();
        state = new WriteState.Unwritable(e.getMessage(), Instant.now());
        metrics.storeError();
        incidents.commitFailed(merged.index(), commands, String.valueOf(e.getMessage()));
        StoreUnavailableException failure =
            new StoreUnavailableException(
                "the write could not be stored (" + e.getMessage() + "); it was not applied", e);
        live.forEach(b -> Pending.fail(b.results(), failure));
        live.forEach(this::answer);
        return true;
      }
      publish(live, () -> live.forEach(this::answer));
      incidents.committed();
      return false;
    }
    live.forEach(this::answer);
    return false;
  }

  /**
   * Reopens the store until it reads back, refusing what the applier hands over meanwhile, then
   * publishes what was read (what a restart would restore) and opens writes again.
   *
   * @return true if the registry closed before the store recovered
   */
  private boolean recoverStore() throws InterruptedException {
    long started = System.nanoTime();
    long backoffMillis = 50;
    int attempts = 0;
    int refused = 0;
    String lastError = "";
    while (true) {
      // Answer what was applied on the failed state, and wait a little before trying again.
      long until = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(backoffMillis);
      for (long left; (left = until - System.nanoTime()) > 0; ) {
        AppliedBatch b = toCommit.poll(left, TimeUnit.NANOSECONDS);
        if (b == END) {
          log.warn(
              "registry closed while the store was failed ({} attempts to reopen it)", attempts);
          return true;
        }
        if (b != null) {
          refused += b.commands().size();
          failGroup(List.of(b), RegistryWriter.refusal(writer.writeState()));
          inFlight.decrementAndGet();
        }
      }
      attempts++;
      try {
        RegistrySnapshot restored = codec.restore(store.recover());
        publishRestored(restored);
        epoch.incrementAndGet();
        state = WriteState.WRITABLE;
        long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        metrics.failedClosed(Duration.ofMillis(millis));
        incidents.reopened(restored.index(), attempts, refused, millis);
        return false;
      } catch (RuntimeException e) {
        metrics.storeError();
        if (!String.valueOf(e.getMessage()).equals(lastError)
            && attempts <= 3
            && incidents.logsReopenAttempts()) {
          log.warn("store still failing (attempt {}): {}", attempts, e.getMessage());
        }
        lastError = String.valueOf(e.getMessage());
        backoffMillis = Math.min(backoffMillis * 2, 2_000);
      }
    }
  }

  /** Serves what the store read back, if it differs from what is published. */
  private void publishRestored(RegistrySnapshot restored) {
    RegistrySnapshot current = publisher.snapshot();
    if (restored.index() == current.index()) {
      return; // every commit up to this index was durable before it was published
    }
    if (restored.index() < current.index()) {
      log.error(
          "the store read back index {} after index {} had been published: acknowledged writes"
              + " are missing from disk",
          restored.index(),
          current.index());
    }
    publisher.replace(restored);
  }

  /** Publishes what {@code committed} applied, answering its callers before waking readers. */
  private void publish(List<AppliedBatch> committed, Runnable answer) {
    Set<String> services = new HashSet<>();
    Set<String> instances = new HashSet<>();
    Set<ConfigEntryKey> configEntries = new HashSet<>();
    for (AppliedBatch b : committed) {
      services.addAll(b.services());
      instances.addAll(b.instances());
      configEntries.addAll(b.configEntries());
    }
    publisher.publish(committed.getLast().snapshot(), services, instances, configEntries, answer);
  }

  private void answer(AppliedBatch batch) {
    Pending.answer(batch.commands(), batch.results(), metrics);
  }
}
