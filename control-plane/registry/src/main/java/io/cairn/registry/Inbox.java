package io.cairn.registry;

import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the writer takes in, in arrival order: submitted commands ({@link Pending}) and, for a
 * replica, the shared store's change events. Commands are bounded from submission until they are
 * answered (not only until the writer takes them, or a replica's own queue behind a slow etcd would
 * grow without end); past the bound a command is refused at once. Events are not bounded, since the
 * store delivers them at the pace of what was committed.
 */
final class Inbox {
  private final LinkedBlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private final int commandCapacity;
  private final Semaphore capacity;

  Inbox(int commandCapacity) {
    this.commandCapacity = commandCapacity;
    this.capacity = new Semaphore(commandCapacity);
  }

  /** Queues a command; false if {@link #capacity()} commands are queued or in progress. */
  boolean offer(Pending command) {
    if (!capacity.tryAcquire()) {
      return false;
    }
    command.result().whenComplete((r, e) -> capacity.release());
    items.add(command);
    return true;
  }

  /** The most commands queued or in progress at once. */
  int capacity() {
    return commandCapacity;
  }

  /** Commands queued or in progress: submitted and not answered yet. */
  int commands() {
    return commandCapacity - capacity.availablePermits();
  }

  /** Queues a store event. */
  void event(Object event) {
    items.add(event);
  }

  /** The next item, waiting up to {@code timeout}; null if none came. */
  Object poll(long timeout, TimeUnit unit) throws InterruptedException {
    return items.poll(timeout, unit);
  }

  /** Moves up to {@code max} more items into {@code out}. */
  void drainTo(List<Object> out, int max) {
    items.drainTo(out, max);
  }

  /** Fails every queued command; events are dropped. */
  void failAll(Supplier<? extends RuntimeException> failure) {
    Object item;
    while ((item = items.poll()) != null) {
      if (item instanceof Pending p) {
        p.result().completeExceptionally(failure.get());
      }
    }
  }
}
