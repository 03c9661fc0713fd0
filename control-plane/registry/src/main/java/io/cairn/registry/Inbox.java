package io.cairn.registry;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * What the writer takes in, in arrival order: submitted commands ({@link Pending}) and, for a
 * replica, the shared store's change events. Commands are bounded; events are not, since the store
 * delivers them at the pace of what was committed.
 */
final class Inbox {
  private final LinkedBlockingQueue<Object> items = new LinkedBlockingQueue<>();
  private final Semaphore capacity;

  Inbox(int commandCapacity) {
    this.capacity = new Semaphore(commandCapacity);
  }

  /** Queues a command, waiting while the inbox holds its capacity of commands. */
  void put(Pending command) throws InterruptedException {
    capacity.acquire();
    items.add(command);
  }

  /** Queues a store event. */
  void event(Object event) {
    items.add(event);
  }

  /** The next item, waiting up to {@code timeout}; null if none came. */
  Object poll(long timeout, TimeUnit unit) throws InterruptedException {
    return taken(items.poll(timeout, unit));
  }

  /** Moves up to {@code max} more items into {@code out}. */
  void drainTo(List<Object> out, int max) {
    List<Object> drained = new ArrayList<>();
    items.drainTo(drained, max);
    drained.forEach(this::taken);
    out.addAll(drained);
  }

  private Object taken(Object item) {
    if (item instanceof Pending) {
      capacity.release();
    }
    return item;
  }

  /** Fails every queued command; events are dropped. */
  void failAll(Supplier<? extends RuntimeException> failure) {
    Object item;
    while ((item = items.poll()) != null) {
      if (taken(item) instanceof Pending p) {
        p.result().completeExceptionally(failure.get());
      }
    }
  }

  int size() {
    return items.size();
  }
}
