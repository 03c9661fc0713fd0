package io.cairn.health;

import java.util.Arrays;
import java.util.Optional;

/**
 * The TTL checks' deadlines ({@link System#nanoTime()}) in one binary heap, earliest first, so the
 * scheduler keeps a single timer for all of them instead of a scheduled task per check (at 100,000
 * TTL checks the tasks held about 12 MiB). Each check records its place in the heap, so moving or
 * removing one costs O(log n). Not thread-safe: the scheduler's thread owns it.
 */
final class TtlDeadlines {
  private static final int MIN_CAPACITY = 16;

  private ScheduledCheck[] heap = new ScheduledCheck[MIN_CAPACITY];
  private int size;

  int size() {
    return size;
  }

  /** Sets {@code sc}'s deadline, adding it if it has none. */
  void put(ScheduledCheck sc, long deadline) {
    if (sc.ttlSlot < 0) {
      if (size == heap.length) {
        heap = Arrays.copyOf(heap, size * 2);
      }
      sc.ttlDeadline = deadline;
      place(sc, size++);
      up(sc.ttlSlot);
    } else {
      long before = sc.ttlDeadline;
      sc.ttlDeadline = deadline;
      if (deadline - before < 0) {
        up(sc.ttlSlot);
      } else {
        down(sc.ttlSlot);
      }
    }
  }

  /** Drops {@code sc}'s deadline, if it has one. */
  void remove(ScheduledCheck sc) {
    int slot = sc.ttlSlot;
    if (slot < 0) {
      return;
    }
    sc.ttlSlot = -1;
    ScheduledCheck last = heap[--size];
    heap[size] = null;
    if (last != sc) {
      place(last, slot);
      down(slot);
      up(last.ttlSlot);
    }
    if (heap.length > MIN_CAPACITY && size < heap.length / 4) {
      heap = Arrays.copyOf(heap, Math.max(MIN_CAPACITY, heap.length / 2));
    }
  }

  /** The check with the earliest deadline. */
  Optional<ScheduledCheck> first() {
    return size == 0 ? Optional.empty() : Optional.of(heap[0]);
  }

  /**
   * Removes and returns the check with the earliest deadline if that is at or before {@code now}.
   */
  Optional<ScheduledCheck> pollDue(long now) {
    if (size == 0 || heap[0].ttlDeadline - now > 0) {
      return Optional.empty();
    }
    ScheduledCheck due = heap[0];
    remove(due);
    return Optional.of(due);
  }

  private void place(ScheduledCheck sc, int slot) {
    heap[slot] = sc;
    sc.ttlSlot = slot;
  }

  private void up(int slot) {
    ScheduledCheck sc = heap[slot];
    while (slot > 0) {
      int parent = (slot - 1) >>> 1;
      if (heap[parent].ttlDeadline - sc.ttlDeadline <= 0) {
        break;
      }
      place(heap[parent], slot);
      slot = parent;
    }
    place(sc, slot);
  }

  private void down(int slot) {
    ScheduledCheck sc = heap[slot];
    while (true) {
      int child = 2 * slot + 1;
      if (child >= size) {
        break;
      }
      if (child + 1 < size && heap[child + 1].ttlDeadline - heap[child].ttlDeadline < 0) {
        child++;
      }
      if (sc.ttlDeadline - heap[child].ttlDeadline <= 0) {
        break;
      }
      place(heap[child], slot);
      slot = child;
    }
    place(sc, slot);
  }
}
