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
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Group commits to an embedded store ({@link RegistryStore}, SQLite) that this process owns. An
 * applier thread takes every queued command (up to {@value RegistryWriter#MAX_BATCH}), applies them
 * one by one to a working copy and encodes their writes; a committer thread commits each batch in
 * one store transaction (one fsync: group commit) and only then publishes the new snapshot,
 * answering the callers before it wakes the readers waiting for a change (see {@link
 * Publisher#publish(RegistrySnapshot, Set, Set, Set, Runnable)}). The two overlap: the next batch
 * is applied while the previous one is being fsynced.
 *
 * <p>A command that fails validation is rolled back alone. A failed commit fails its batch and
 * every batch applied on top of it, and closes writes: the committer reopens the store and reads
 * back what a restart would restore, publishes that, and only then takes writes again (retrying
 * with backoff while the fault lasts). Writes meanwhile fail at once with {@link
 * StoreUnavailableException}. Batches without writes also go through the committer, because what
 * they read may not be durable yet.
 */
final class LocalWritePath implements WritePath {
  private static final Logger log = LoggerFactory.getLogger(LocalWritePath.class);

  private final RegistryStore store;
  private final RecordCodec codec = new RecordCodec();
  private final CommandApplier applier = new CommandApplier();
  private final BlockingQueue<AppliedBatch> toCommit = new ArrayBlockingQueue<>(64);
  private final Thread applierThread;
  private final Thread committerThread;

  /** Bumped by the committer when a commit fails; batches applied in an older epoch are void. */
  private final AtomicLong epoch = new AtomicLong();

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

  private static final AppliedBatch END =
      new AppliedBatch(
          -1,
          List.of(),
          new Object[0],
          RegistrySnapshot.EMPTY,
          Set.of(),
          Set.of(),
          Set.of(),
          Optional.empty());

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
          continue;
        }
        taken.add(first);
        writer.inbox().drainTo(taken, RegistryWriter.MAX_BATCH - 1);
        taken.forEach(item -> batch.add((Pending) item));
        taken.clear();
        WriteState now = writer.writeState();
        if (!now.writable()) {
          StoreUnavailableException refused = RegistryWriter.refusal(now);
          batch.forEach(p -> p.result().completeExceptionally(refused));
          batch.clear();
          continue;
        }
        if (epoch.get() != appliedEpoch) {
          // A commit failed: what we applied on top of it is void; start from what is durable.
          appliedEpoch = epoch.get();
          applied = publisher.snapshot();
        }
        AppliedBatch next = apply(appliedEpoch, applied, List.copyOf(batch));
        batch.clear();
        toCommit.put(next);
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
      writer.ended();
      handOff(END);
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
        if (!group.isEmpty()) {
          try {
            if (writer.writeState() instanceof WriteState.Stopped stoppedBy) {
              failGroup(group, RegistryWriter.refusal(stoppedBy));
            } else if (commit(group) && recoverStore()) {
              end = true; // closed while recovering
            }
          } catch (RuntimeException | Error e) {
            // Not a store error (those are handled in commit): a bug. Stop taking writes.
            stop(e);
            failGroup(group, RegistryWriter.refusal(writer.writeState()));
          }
        }
        group.clear();
        if (end) {
          return;
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
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
        log.atWarn()
            .addKeyValue("index", merged.index())
            .addKeyValue("commands", commands)
            .log(
                "store commit failed; writes are refused until the store has been reopened and"
                    + " read back: "
                    + e.getMessage());
        StoreUnavailableException failure =
            new StoreUnavailableException(
                "the write could not be stored (" + e.getMessage() + "); it was not applied", e);
        live.forEach(b -> Pending.fail(b.results(), failure));
        live.forEach(this::answer);
        return true;
      }
      publish(live, () -> live.forEach(this::answer));
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
        if (b != null && !b.commands().isEmpty()) {
          refused += b.commands().size();
          failGroup(List.of(b), RegistryWriter.refusal(writer.writeState()));
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
        log.atInfo()
            .addKeyValue("index", restored.index())
            .addKeyValue("attempts", attempts)
            .addKeyValue("refused-commands", refused)
            .addKeyValue("failed-ms", millis)
            .log("store reopened and read back; writes are taken again");
        return false;
      } catch (RuntimeException e) {
        metrics.storeError();
        if (!String.valueOf(e.getMessage()).equals(lastError) && attempts <= 3) {
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
