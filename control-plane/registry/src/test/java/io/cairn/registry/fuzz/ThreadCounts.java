package io.cairn.registry.fuzz;

import java.lang.management.ManagementFactory;
import java.time.Duration;

/** Live platform threads, to check that a barrage left none behind. */
public final class ThreadCounts {
  private ThreadCounts() {}

  public static int live() {
    return ManagementFactory.getThreadMXBean().getThreadCount();
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
