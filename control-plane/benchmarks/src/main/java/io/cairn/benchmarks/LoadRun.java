package io.cairn.benchmarks;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs {@code writers} threads doing one operation in a loop: a warm-up, then a measured window.
 * Reports operations per second and latency quantiles of the measured window only.
 */
final class LoadRun {
  /** One operation; {@code writer} and {@code sequence} make keys unique. */
  interface Operation {
    void run(int writer, long sequence) throws Exception;
  }

  record Result(int writers, long operations, double seconds, double p50Ms, double p99Ms) {
    double perSecond() {
      return operations / seconds;
    }
  }

  static Result run(int writers, int warmupSeconds, int seconds, Operation op) throws Exception {
    AtomicBoolean measuring = new AtomicBoolean();
    AtomicBoolean stop = new AtomicBoolean();
    List<LatencyRecorder> recorders = new ArrayList<>();
    List<Thread> threads = new ArrayList<>();
    CountDownLatch started = new CountDownLatch(writers);
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int w = 0; w < writers; w++) {
      LatencyRecorder recorder = new LatencyRecorder();
      recorders.add(recorder);
      int writer = w;
      threads.add(
          Thread.ofPlatform()
              .name("load-" + w)
              .start(
                  () -> {
                    started.countDown();
                    long seq = 0;
                    try {
                      while (!stop.get()) {
                        long t0 = System.nanoTime();
                        op.run(writer, seq++);
                        if (measuring.get()) {
                          recorder.record(System.nanoTime() - t0);
                        }
                      }
                    } catch (Throwable t) {
                      failures.add(t);
                    }
                  }));
    }
    started.await();
    Thread.sleep(warmupSeconds * 1000L);
    measuring.set(true);
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    measuring.set(false);
    double elapsed = (System.nanoTime() - t0) / 1e9;
    stop.set(true);
    for (Thread t : threads) {
      t.join();
    }
    if (!failures.isEmpty()) {
      throw new IllegalStateException("load failed", failures.getFirst());
    }
    long[] all = LatencyRecorder.merge(recorders);
    return new Result(
        writers,
        all.length,
        elapsed,
        LatencyRecorder.quantileMillis(all, 0.50),
        LatencyRecorder.quantileMillis(all, 0.99));
  }
}
