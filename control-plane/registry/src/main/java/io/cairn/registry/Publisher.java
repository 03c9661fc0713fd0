package io.cairn.registry;

import io.cairn.registry.config.ConfigEntryKey;
import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The chain of published snapshots and the readers following it: blocking queries wait on it,
 * subscribers walk it. Only the registry's writer publishes; everyone else reads without locks.
 */
final class Publisher {
  private static final Logger log = LoggerFactory.getLogger(Publisher.class);

  private final List<SubscriptionThread> subscriptions = new CopyOnWriteArrayList<>();
  private volatile Publication current;

  Publisher(RegistrySnapshot initial) {
    this.current =
        new Publication(
            initial,
            new ChangeEvent(
                initial.index(), initial.index(), initial, Set.of(), Set.of(), Set.of()));
  }

  RegistrySnapshot snapshot() {
    return current.snapshot;
  }

  /** Makes {@code snapshot} current and wakes everyone waiting for a change. Writer only. */
  void publish(
      RegistrySnapshot snapshot,
      Set<String> services,
      Set<String> instances,
      Set<ConfigEntryKey> config) {
    publish(snapshot, services, instances, config, () -> {});
  }

  /**
   * Makes {@code snapshot} current, runs {@code answerWriters}, then wakes everyone waiting for a
   * change. Writer only.
   *
   * <p>In this order a writer's acknowledgement does not queue behind the readers its write wakes
   * (a thousand blocking queries on one KV prefix took about 100 ms to answer on two cores, and the
   * writer's answer came after all of them), and a writer that has its answer reads its write:
   * {@link #snapshot()} already returns it, and so does a blocking query begun after the answer.
   */
  void publish(
      RegistrySnapshot snapshot,
      Set<String> services,
      Set<String> instances,
      Set<ConfigEntryKey> config,
      Runnable answerWriters) {
    Publication previous = current;
    ChangeEvent event =
        new ChangeEvent(
            previous.snapshot.index(), snapshot.index(), snapshot, services, instances, config);
    Publication next = new Publication(snapshot, event);
    current = next;
    try {
      answerWriters.run();
    } finally {
      previous.next.complete(next);
    }
  }

  /**
   * Replaces the whole state (a store read back or reloaded): every service, instance and config
   * entry of the old or the new state counts as changed. Writer only.
   */
  void replace(RegistrySnapshot next) {
    RegistrySnapshot previous = snapshot();
    Set<String> services = new HashSet<>(previous.serviceNames());
    services.addAll(next.serviceNames());
    Set<String> instances = new HashSet<>(previous.instances.keySet());
    instances.addAll(next.instances.keySet());
    Set<ConfigEntryKey> config = new HashSet<>(previous.config.keySet());
    config.addAll(next.config.keySet());
    publish(next, services, instances, config);
  }

  RegistrySnapshot awaitIndex(long afterIndex, Duration timeout) throws InterruptedException {
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

  Subscription subscribe(Consumer<ChangeEvent> listener) {
    SubscriptionThread s = new SubscriptionThread(current, listener);
    subscriptions.add(s);
    s.start();
    return s;
  }

  /** Ends the chain: subscribers stop, blocking queries return what they have. */
  void close() {
    for (SubscriptionThread s : subscriptions) {
      s.close();
    }
    current.next.completeExceptionally(new RegistryClosedException());
  }

  /** Walks the publication chain on a virtual thread, merging what it missed. */
  private final class SubscriptionThread implements Subscription {
    private final RegistrySnapshot startSnapshot;
    // Handed to the thread once and dropped: holding the first link would keep every later
    // publication (the whole change log) alive for as long as the subscription lives.
    private final AtomicReference<Publication> start;
    private final Consumer<ChangeEvent> listener;
    private final Thread thread;
    private volatile boolean closed;

    SubscriptionThread(Publication start, Consumer<ChangeEvent> listener) {
      this.startSnapshot = start.snapshot;
      this.start = new AtomicReference<>(start);
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
}
