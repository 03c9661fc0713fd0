package io.cairn.benchmarks;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;

/** Things to stop and delete, last first; runs once, from finally or the shutdown hook. */
final class Cleanup {
  private final Deque<AutoCloseable> steps = new ArrayDeque<>();
  private final AtomicBoolean done = new AtomicBoolean();

  synchronized void add(AutoCloseable step) {
    steps.push(step);
  }

  void run() {
    if (!done.compareAndSet(false, true)) {
      return;
    }
    synchronized (this) {
      while (!steps.isEmpty()) {
        try {
          steps.pop().close();
        } catch (Exception e) {
          System.err.println("cleanup: " + e);
        }
      }
    }
  }
}
