package io.cairn.registry;

import io.cairn.registry.command.Command;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;
import java.util.function.ToDoubleFunction;

/** Meters of the registry writer: commands by type and outcome, batch sizes, commit latency. */
final class WriterMetrics {
  private final MeterRegistry meters;
  private final Map<String, Counter> commands = new ConcurrentHashMap<>();
  private final DistributionSummary batchCommands;
  private final DistributionSummary batchRecords;
  private final Timer commitTimer;
  private final Counter conflicts;
  private final Counter inline;
  private final Counter storeErrors;
  private final Timer failedClosed;

  /**
   * @param snapshot the latest published snapshot, for the gauges
   * @param queueDepth commands waiting for the writer
   */
  WriterMetrics(
      MeterRegistry meters, Supplier<RegistrySnapshot> snapshot, Supplier<Integer> queueDepth) {
    this.meters = meters;
    gauge(
        "cairn.registry.index",
        "Index of the latest published registry snapshot",
        snapshot,
        s -> s.get().index());
    gauge(
        "cairn.registry.instances",
        "Registered service instances",
        snapshot,
        s -> s.get().instanceCount());
    gauge(
        "cairn.registry.services",
        "Services with at least one instance",
        snapshot,
        s -> s.get().serviceNames().size());
    gauge("cairn.registry.checks", "Registered health checks", snapshot, s -> s.get().checkCount());
    Gauge.builder("cairn.registry.queue.depth", queueDepth, q -> q.get())
        .description("Commands waiting for the writer")
        .strongReference(true)
        .register(meters);
    this.conflicts =
        Counter.builder("cairn.store.commit.conflicts")
            .description("Shared-store commits refused because another replica wrote first")
            .register(meters);
    this.inline =
        Counter.builder("cairn.registry.inline.commands")
            .description(
                "Commands written on the calling thread because the writer was idle (no hand-off)")
            .register(meters);
    this.storeErrors =
        Counter.builder("cairn.store.errors")
            .description("Failed store commits and failed attempts to reopen the store")
            .register(meters);
    this.failedClosed =
        Timer.builder("cairn.store.failed.closed")
            .description("Time writes were refused while the store was reopened after a failure")
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

  private void gauge(
      String name,
      String description,
      Supplier<RegistrySnapshot> snapshot,
      ToDoubleFunction<Supplier<RegistrySnapshot>> value) {
    // Strong: the supplier is a method reference nobody else holds, and Micrometer keeps gauge
    // state weakly, so it would read NaN after the first GC.
    Gauge.builder(name, snapshot, value)
        .description(description)
        .strongReference(true)
        .register(meters);
  }

  <T> T commit(Supplier<T> commit) {
    return commitTimer.record(commit);
  }

  /** A command run on its caller's thread, the writer being idle. */
  void inline() {
    inline.increment();
  }

  /** A shared-store commit lost to another replica's; the batch is applied again. */
  void conflict() {
    conflicts.increment();
  }

  /** 1 while the shared store answers, 0 while this replica serves reads only. */
  void storeAvailable(java.util.function.BooleanSupplier available) {
    Gauge.builder("cairn.store.available", available, a -> a.getAsBoolean() ? 1 : 0)
        .description("1 while the shared store (etcd) is reachable; writes get 503 while 0")
        .strongReference(true)
        .register(meters);
  }

  /** 1 while writes are taken, 0 while the store is failed or the writer stopped. */
  void writable(java.util.function.BooleanSupplier writable) {
    Gauge.builder("cairn.registry.writable", writable, w -> w.getAsBoolean() ? 1 : 0)
        .description("1 while the registry takes writes; readiness is 503 while 0")
        .strongReference(true)
        .register(meters);
  }

  /** A write refused at once because the queue to a slow shared store was full. */
  void rejectedBusy() {
    Counter.builder("cairn.registry.rejected.busy")
        .description("Writes refused with 503 because too many were queued for the shared store")
        .register(meters)
        .increment();
  }

  /** A failed store commit or a failed attempt to reopen the store. */
  void storeError() {
    storeErrors.increment();
  }

  /** Writes were refused for {@code duration} while the store was reopened. */
  void failedClosed(java.time.Duration duration) {
    failedClosed.record(duration);
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
                    .tag("outcome", outcome.toLowerCase(Locale.ROOT))
                    .register(meters))
        .increment();
  }
}
