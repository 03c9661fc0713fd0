package io.cairn.registry.fuzz;

import java.time.Duration;

/**
 * Live platform threads, to check that a barrage left none behind; the JDK HTTP client's workers
 * (the test's own, idling out after a minute) are not counted.
 */
public final class ThreadCounts {
  private ThreadCounts() {}

  public static int live() {
    return names().size();
  }

  /** Names of the live platform threads, to say which ones a barrage left behind. */
  public static java.util.Set<String> names() {
    java.util.Set<String> names = new java.util.TreeSet<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (!t.getName().startsWith("HttpClient-")) {
        names.add(t.getName() + "#" + t.threadId());
      }
    }
    return names;
  }

  /**
   * Waits up to {@code wait} for the live count to fall to {@code baseline + slack}; the count
   * reached, which the caller asserts on (pools may keep a few idle threads for a while).
   */
  public static int settleTo(int baseline, int slack, Duration wait) throws InterruptedException {
    long deadline = System.nanoTime() + wait.toNanos();
    int now = live();
    while (now > baseline + slack && System.nanoTime() < deadline) {
      Thread.sleep(100);
      now = live();
    }
    return now;
  }
}
