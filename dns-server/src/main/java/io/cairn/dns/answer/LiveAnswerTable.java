package io.cairn.dns.answer;

import io.cairn.dns.DnsSettings;
import io.cairn.registry.ChangeEvent;
import io.cairn.registry.Registry;
import io.cairn.registry.Subscription;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import java.util.function.Supplier;

/**
 * The answer table of the registry's latest snapshot. Subscribes to change events and rebuilds the
 * services each one names, then swaps the new table in with one volatile write; readers never wait.
 */
public final class LiveAnswerTable implements Supplier<DnsAnswerTable>, AutoCloseable {
  private final DnsSettings settings;
  private final Timer updates;
  private volatile DnsAnswerTable table;
  private final Subscription subscription;

  private LiveAnswerTable(Registry registry, DnsSettings settings, MeterRegistry meters) {
    this.settings = settings;
    this.updates =
        Timer.builder("cairn.dns.table.updates")
            .description("Rebuilds of the DNS answer table after registry changes")
            .register(meters);
    this.subscription = registry.subscribe(this::apply);
    synchronized (this) {
      if (table == null) {
        table = DnsAnswerTable.build(subscription.startSnapshot(), settings);
      }
    }
  }

  /** Builds the table of the registry's current state and keeps it current until closed. */
  public static LiveAnswerTable start(
      Registry registry, DnsSettings settings, MeterRegistry meters) {
    return new LiveAnswerTable(registry, settings, meters);
  }

  private synchronized void apply(ChangeEvent event) {
    long start = System.nanoTime();
    DnsAnswerTable current = table;
    table =
        current == null
            ? DnsAnswerTable.build(event.snapshot(), settings)
            : current.update(event.snapshot(), event.services(), event.instances());
    updates.record(System.nanoTime() - start, java.util.concurrent.TimeUnit.NANOSECONDS);
  }

  /** The latest table. */
  @Override
  public DnsAnswerTable get() {
    return table;
  }

  @Override
  public void close() {
    subscription.close();
  }
}
