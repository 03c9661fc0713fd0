package io.cairn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Things a benchmark must stop and delete (processes, temporary directories), last first. Runs
 * once: from the benchmark's {@code finally}, or from a shutdown hook on Ctrl-C.
 */
final class Cleanup {
  /** A benchmark's body, handed the cleanup to register its steps with. */
  interface Body {
    void run(Cleanup cleanup) throws Exception;
  }

  private final Deque<AutoCloseable> steps = new ArrayDeque<>();
  private final AtomicBoolean done = new AtomicBoolean();

  /** Runs {@code body}, then the cleanup, also when the JVM is interrupted. */
  static void around(Body body) throws Exception {
    Cleanup cleanup = new Cleanup();
    Thread hook = Thread.ofPlatform().name("bench-cleanup").unstarted(cleanup::run);
    Runtime.getRuntime().addShutdownHook(hook);
    try {
      body.run(cleanup);
    } finally {
      cleanup.run();
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException e) {
        // already shutting down
      }
    }
  }

  synchronized void add(AutoCloseable step) {
    steps.push(step);
  }

  /** A temporary directory deleted with everything in it at the end. */
  Path tempDirectory(String prefix) throws IOException {
    Path dir = Files.createTempDirectory(prefix);
    add(() -> Host.delete(dir));
    return dir;
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
