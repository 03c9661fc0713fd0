package io.cairn.dns.answer;

import java.util.Arrays;
import java.util.random.RandomGenerator;

/**
 * Weighted random order without replacement (Efraimidis and Spirakis): each instance draws an
 * exponential key with its weight as the rate and the smallest keys go first, so an instance is
 * first with probability weight / total weight, and so on down the list.
 */
final class WeightedOrder {
  /** Instances beyond this many are left out (no message can hold more records). */
  static final int MAX_CANDIDATES = 1 << 16;

  private WeightedOrder() {}

  /** Positions into {@code records}, at most {@code limit} of them (0 means all). */
  static int[] of(InstanceRecords[] records, int limit, RandomGenerator random) {
    int n = Math.min(records.length, MAX_CANDIDATES);
    int take = limit == 0 ? n : Math.min(limit, n);
    if (n == 1) {
      return new int[] {0};
    }
    long[] keys = new long[n];
    for (int i = 0; i < n; i++) {
      double key = key(records[i].weight(), random);
      // Positive doubles order like their bits; the low 16 bits carry the position instead.
      keys[i] = (Double.doubleToRawLongBits(key) & ~0xffffL) | i;
    }
    Arrays.sort(keys);
    int[] order = new int[take];
    for (int i = 0; i < take; i++) {
      order[i] = (int) (keys[i] & 0xffff);
    }
    return order;
  }

  /** A record's key: exponential with its weight as the rate; smaller keys go first. */
  static double key(double weight, RandomGenerator random) {
    double u = 1.0 - random.nextDouble(); // (0, 1]
    return -Math.log(u) / weight;
  }
}
