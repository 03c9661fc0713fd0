package io.cairn.registry;

import io.cairn.registry.command.Command;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.config.ConfigEntryKey;
import io.cairn.registry.store.Batch;
import io.cairn.registry.store.RegistryStore;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry's only writer. An applier thread takes every queued command (up to {@value
 * #MAX_BATCH}), applies them one by one to a working copy and encodes their writes; a committer
 * thread commits each batch in one store transaction (one fsync: group commit) and only then
 * publishes the new snapshot and answers the callers. The two overlap: the next batch is applied
 * while the previous one is being fsynced.
 *
 * <p>A command that fails validation is rolled back alone. A failed commit fails its batch and
 * every batch applied on top of it; the applier then starts again from the last durable snapshot.
 * Batches without writes also go through the committer, because what they read may not be durable
 * yet.
 */
final class SingleWriterRegistry implements Registry {
  private static final Logger log = LoggerFactory.getLogger(SingleWriterRegistry.class);
  static final int MAX_BATCH = 1024;
  private static final int QUEUE_CAPACITY = 65_536;

  private final RegistryStore store;
  private final RecordCodec codec;
  private final CommandApplier applier = new CommandApplier();
  private final BlockingQueue<Pending> queue = new ArrayBlockingQueue<>(QUEUE_CAPACITY);
  private final BlockingQueue<AppliedBatch> toCommit = new ArrayBlockingQueue<>(64);
  private final List<SubscriptionThread> subscriptions = new CopyOnWriteArrayList<>();
  private final WriterMetrics metrics;
  private final Thread applierThread;
  private final Thread committerThread;

  /** Bumped by the committer when a commit fails; batches applied in an older epoch are void. */
  private final AtomicLong epoch = new AtomicLong();

  private volatile Publication current;
  private volatile boolean closing;
  private volatile boolean stopped;

  private record Pending(Command command, CompletableFuture<CommandResult> result) {}

  /**
   * Commands applied together, waiting for the committer.
   *
   * @param results per command: a {@link CommandResult} or the {@link RuntimeException} rejecting
   *     it
   * @param stored the store batch, empty when nothing was written
   */
  private record AppliedBatch(
      long epoch,
      List<Pending> commands,
      Object[] results,
      RegistrySnapshot snapshot,
      Set<String> services,
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
          Optional.empty());

  private SingleWriterRegistry(
      RegistryStore store, RecordCodec codec, RegistrySnapshot initial, MeterRegistry meters) {
    this.store = store;
    this.codec = codec;
    this.current =
        new Publication(
            initial,
            new ChangeEvent(initial.index(), initial.index(), initial, Set.of(), Set.of()));
    this.metrics = new WriterMetrics(meters, this);
    this.applierThread = Thread.ofPlatform().name("registry-writer").unstarted(this::runApplier);
    this.committerThread =
        Thread.ofPlatform().name("registry-committer").unstarted(this::runCommitter);
  }

  static SingleWriterRegistry start(RegistryStore store, MeterRegistry meters) {
    RecordCodec codec = new RecordCodec();
    long started = System.nanoTime();
    var stored = store.load();
    long read = System.nanoTime();
    RegistrySnapshot initial = codec.restore(stored);
    long decoded = System.nanoTime();
    log.atInfo()
        .addKeyValue("store", store.describe())
        .addKeyValue("index", initial.index())
        .addKeyValue("instances", initial.instanceCount())
        .addKeyValue("checks", initial.checkCount())
        .addKeyValue("read-ms", (read - started) / 1_000_000)
        .addKeyValue("decode-ms", (decoded - read) / 1_000_000)
        .log("registry restored");
    SingleWriterRegistry registry = new SingleWriterRegistry(store, codec, initial, meters);
    registry.committerThread.start();
    registry.applierThread.start();
    return registry;
  }

  @Override
  public RegistrySnapshot snapshot() {
    return current.snapshot;
  }

  @Override
  public CompletableFuture<CommandResult> submit(Command command) {
    if (closing) {
      return CompletableFuture.failedFuture(new RegistryClosedException());
    }
    Pending pending = new Pending(command, new CompletableFuture<>());
    try {
      queue.put(pending);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return CompletableFuture.failedFuture(new RegistryClosedException());
    }
    if (stopped) {
      // The applier exited between our check and our put: nobody else will answer.
      failQueued();
    }
    return pending.result;
  }

  @Override
  public RegistrySnapshot awaitIndex(long afterIndex, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    Publication p = current;
    while (p.snapshot.index() <= afterIndex) {
      long remaining = deadline - System.nanoTime();
      if (remaining <= 0) {
        break;
      }
      try {
        p = p.next.get(remaining, TimeUnit.NANOSECONDS);
      } catch (TimeoutException e) {
        break;
      } catch (ExecutionException e) {
        break; // The chain ends only when the registry closes.
      }
    }
    return current.snapshot;
  }

  @Override
  public Subscription subscribe(Consumer<ChangeEvent> listener) {
    SubscriptionThread s = new SubscriptionThread(current, listener);
    subscriptions.add(s);
    s.start();
    return s;
  }

  private void runApplier() {
    List<Pending> batch = new ArrayList<>(MAX_BATCH);
    RegistrySnapshot applied = current.snapshot;
    long appliedEpoch = epoch.get();
    try {
      while (true) {
        Pending first = queue.poll(50, TimeUnit.MILLISECONDS);
        if (first == null) {
          if (closing) {
            break;
          }
          continue;
        }
        batch.add(first);
        queue.drainTo(batch, MAX_BATCH - 1);
        if (epoch.get() != appliedEpoch) {
          // A commit failed: what we applied on top of it is void; start from what is durable.
          appliedEpoch = epoch.get();
          applied = current.snapshot;
        }
        AppliedBatch next = apply(appliedEpoch, applied, List.copyOf(batch));
        batch.clear();
        toCommit.put(next);
        applied = next.snapshot();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } catch (Throwable t) {
      log.error("registry writer stopped by an unexpected error", t);
      for (Pending p : batch) {
        p.result.completeExceptionally(new StoreException("registry writer failed: " + t, t));
      }
    } finally {
      stopped = true;
      failQueued();
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
      WorkingState.Mark mark = work.mark();
      try {
        results[i] = applier.apply(work, batch.get(i).command());
      } catch (RegistryException e) {
        work.reset(mark);
        results[i] = e;
      } catch (RuntimeException e) {
        log.error("command {} failed unexpectedly", batch.get(i).command(), e);
        work.reset(mark);
        results[i] = new StoreException("internal error applying command: " + e, e);
      }
    }
    Optional<Batch> stored = Optional.empty();
    if (!work.writes().isEmpty()) {
      try {
        stored = Optional.of(codec.batch(work.index(), work.writes()));
      } catch (RuntimeException e) {
        // Nothing of this batch can be stored: answer every command with the failure.
        fail(results, e instanceof StoreException se ? se : new StoreException(e.toString(), e));
        return new AppliedBatch(
            batchEpoch, batch, results, base, Set.of(), Set.of(), Optional.empty());
      }
    }
    return new AppliedBatch(
        batchEpoch,
        batch,
        results,
        work.view(),
        work.changedServices(),
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
            commit(group);
          } catch (RuntimeException | Error e) {
            // Keep the committer alive: fail what it held, and what was applied on top of it.
            log.error("registry committer failed unexpectedly", e);
            epoch.incrementAndGet();
            StoreException failure = new StoreException("registry committer failed: " + e, e);
            for (AppliedBatch b : group) {
              if (!b.commands().isEmpty() && !b.commands().getFirst().result().isDone()) {
                fail(b.results(), failure);
                answer(b);
              }
            }
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

  /**
   * Commits every batch the applier produced while the previous commit ran, in one transaction:
   * group commit across pipeline stages.
   */
  private void commit(List<AppliedBatch> group) {
    List<AppliedBatch> live = new ArrayList<>(group.size());
    for (AppliedBatch batch : group) {
      if (batch.epoch() == epoch.get()) {
        live.add(batch);
      } else {
        fail(batch.results(), new StoreException("not applied: an earlier store commit failed"));
        answer(batch);
      }
    }
    List<Batch> stored = live.stream().flatMap(b -> b.stored().stream()).toList();
    if (!stored.isEmpty()) {
      Batch merged = Batch.merge(stored);
      int commands = live.stream().mapToInt(b -> b.commands().size()).sum();
      try {
        metrics.commit(() -> store.commit(merged));
        metrics.batch(commands, merged.mutations().size());
      } catch (RuntimeException e) {
        epoch.incrementAndGet();
        log.error("store commit failed; {} commands not applied", commands, e);
        StoreException failure =
            e instanceof StoreException se
                ? se
                : new StoreException("store commit failed: " + e, e);
        live.forEach(b -> fail(b.results(), failure));
        live.forEach(this::answer);
        return;
      }
      publish(live);
    }
    live.forEach(this::answer);
  }

  /** Replaces every success in {@code results} with {@code failure}; rejections keep theirs. */
  private static void fail(Object[] results, StoreException failure) {
    for (int i = 0; i < results.length; i++) {
      if (results[i] instanceof CommandResult) {
        results[i] = failure;
      }
    }
  }

  private void publish(List<AppliedBatch> committed) {
    Publication previous = current;
    AppliedBatch last = committed.getLast();
    Set<String> services = new java.util.HashSet<>();
    Set<ConfigEntryKey> configEntries = new java.util.HashSet<>();
    for (AppliedBatch b : committed) {
      services.addAll(b.services());
      configEntries.addAll(b.configEntries());
    }
    ChangeEvent event =
        new ChangeEvent(
            previous.snapshot.index(),
            last.snapshot().index(),
            last.snapshot(),
            services,
            configEntries);
    Publication next = new Publication(last.snapshot(), event);
    current = next;
    previous.next.complete(next);
  }

  private void answer(AppliedBatch batch) {
    for (int i = 0; i < batch.commands().size(); i++) {
      Pending p = batch.commands().get(i);
      Object result = batch.results()[i];
      if (result instanceof CommandResult r) {
        metrics.command(p.command(), r.outcome().name());
        p.result.complete(r);
      } else {
        RuntimeException e = (RuntimeException) result;
        metrics.command(p.command(), e instanceof StoreException ? "FAILED" : "REJECTED");
        p.result.completeExceptionally(e);
      }
    }
  }

  private void failQueued() {
    Pending p;
    while ((p = queue.poll()) != null) {
      p.result.completeExceptionally(new RegistryClosedException());
    }
  }

  int queueDepth() {
    return queue.size();
  }

  @Override
  public void close() {
    if (closing) {
      return;
    }
    closing = true;
    try {
      applierThread.join();
      committerThread.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    for (SubscriptionThread s : subscriptions) {
      s.close();
    }
    current.next.completeExceptionally(new RegistryClosedException());
    store.close();
    log.atInfo().addKeyValue("index", current.snapshot.index()).log("registry closed");
  }

  /** Walks the publication chain on a virtual thread, merging what it missed. */
  private final class SubscriptionThread implements Subscription {
    private final RegistrySnapshot startSnapshot;
    // Handed to the thread once and dropped: holding the first link would keep every later
    // publication (the whole change log) alive for as long as the subscription lives.
    private final java.util.concurrent.atomic.AtomicReference<Publication> start;
    private final Consumer<ChangeEvent> listener;
    private final Thread thread;
    private volatile boolean closed;

    SubscriptionThread(Publication start, Consumer<ChangeEvent> listener) {
      this.startSnapshot = start.snapshot;
      this.start = new java.util.concurrent.atomic.AtomicReference<>(start);
      this.listener = listener;
      this.thread = Thread.ofVirtual().name("registry-subscriber").unstarted(this::run);
    }

    void start() {
      thread.start();
    }

    @Override
    public RegistrySnapshot startSnapshot() {
      return startSnapshot;
    }

    private void run() {
      Publication seen = start.getAndSet(null);
      while (!closed) {
        Publication next;
        try {
          next = seen.next.get();
        } catch (InterruptedException | ExecutionException e) {
          return;
        }
        ChangeEventMerger merged = new ChangeEventMerger(next.event);
        while (next.next.isDone() && !next.next.isCompletedExceptionally()) {
          next = next.next.join();
          merged.add(next.event);
        }
        seen = next;
        try {
          listener.accept(merged.result());
        } catch (RuntimeException e) {
          log.warn("change listener failed at index {}", next.snapshot.index(), e);
        }
      }
    }

    @Override
    public void close() {
      closed = true;
      thread.interrupt();
      subscriptions.remove(this);
    }
  }

  /** Meters of the writer: commands by type and outcome, batch sizes, commit latency, gauges. */
  private static final class WriterMetrics {
    private final MeterRegistry meters;
    private final Map<String, Counter> commands = new HashMap<>();
    private final DistributionSummary batchCommands;
    private final DistributionSummary batchRecords;
    private final Timer commitTimer;

    WriterMetrics(MeterRegistry meters, SingleWriterRegistry registry) {
      this.meters = meters;
      Gauge.builder("cairn.registry.index", registry, r -> r.snapshot().index())
          .description("Index of the latest published registry snapshot")
          .register(meters);
      Gauge.builder("cairn.registry.instances", registry, r -> r.snapshot().instanceCount())
          .description("Registered service instances")
          .register(meters);
      Gauge.builder("cairn.registry.services", registry, r -> r.snapshot().serviceNames().size())
          .description("Services with at least one instance")
          .register(meters);
      Gauge.builder("cairn.registry.checks", registry, r -> r.snapshot().checkCount())
          .description("Registered health checks")
          .register(meters);
      Gauge.builder("cairn.registry.queue.depth", registry, SingleWriterRegistry::queueDepth)
          .description("Commands waiting for the writer")
          .register(meters);
      this.batchCommands =
          DistributionSummary.builder("cairn.registry.batch.commands")
              .description("Commands per group commit")
              .register(meters);
      this.batchRecords =
          DistributionSummary.builder("cairn.registry.batch.records")
              .description("Store records written per group commit")
              .register(meters);
      this.commitTimer =
          Timer.builder("cairn.store.commit")
              .description("Durable store commit latency (includes fsync)")
              .publishPercentiles(0.5, 0.99)
              .register(meters);
    }

    void commit(Runnable commit) {
      commitTimer.record(commit);
    }

    void batch(int commandCount, int recordCount) {
      batchCommands.record(commandCount);
      batchRecords.record(recordCount);
    }

    void command(Command command, String outcome) {
      String type = command.getClass().getSimpleName();
      commands
          .computeIfAbsent(
              type + "/" + outcome,
              k ->
                  Counter.builder("cairn.registry.commands")
                      .description("Commands handled by the registry writer")
                      .tag("type", type)
                      .tag("outcome", outcome.toLowerCase(java.util.Locale.ROOT))
                      .register(meters))
          .increment();
    }
  }
}
