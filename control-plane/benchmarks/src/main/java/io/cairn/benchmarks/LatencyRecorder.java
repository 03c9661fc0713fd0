package io.cairn.benchmarks;

import java.util.Arrays;

/** Latencies of one thread, in nanoseconds; merged after the run. */
final class LatencyRecorder {
  private long[] samples = new long[1 << 16];
  private int count;

  void record(long nanos) {
    if (count == samples.length) {
      samples = Arrays.copyOf(samples, samples.length * 2);
    }
    samples[count++] = nanos;
  }

  int count() {
    return count;
  }

  static long[] merge(Iterable<LatencyRecorder> recorders) {
    int total = 0;
    for (LatencyRecorder r : recorders) {
      total += r.count;
    }
    long[] all = new long[total];
    int at = 0;
    for (LatencyRecorder r : recorders) {
      System.arraycopy(r.samples, 0, all, at, r.count);
      at += r.count;
    }
    Arrays.sort(all);
    return all;
  }

  /** The q-quantile of sorted samples, in milliseconds. */
  static double quantileMillis(long[] sorted, double q) {
    if (sorted.length == 0) {
      return Double.NaN;
    }
    int i = (int) Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1);
    return sorted[Math.max(0, i)] / 1e6;
  }
}
