package io.cairn.dns.answer;

import io.cairn.dns.wire.QuestionKey;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReferenceArray;

/**
 * Complete UDP replies of one {@link DnsAnswerTable}, by question, so a repeat question is answered
 * by copying bytes: the id, RD and the question as asked (its case) are patched in. Bounded:
 * {@value #SLOTS} entries (direct-mapped by hash, a newcomer replaces the entry in its slot) and
 * about {@value #MAX_BYTES} bytes. Belongs to one table: a new table starts an empty cache.
 *
 * <p>A reply in weighted random order (one set of at most {@value #MAX_SHUFFLED} records shuffled)
 * is kept in every order, and each query draws its order afresh with the weights, as uncached
 * (Efraimidis and Spirakis, as {@link WeightedOrder}), then copies that order's reply. Replies with
 * more shuffled records, or with two shuffled sets, are not kept. Thread-safe.
 */
final class ReplyCache {
  static final int SLOTS = 8192;
  static final long MAX_BYTES = 8L << 20;

  /** Most records in a shuffled reply that is kept (4! = 24 orders). */
  static final int MAX_SHUFFLED = 4;

  private static final int ENTRY_OVERHEAD = 96;
  private static final double[] NOT_SHUFFLED = {};

  private final DnsAnswerTable table;
  private final AtomicReferenceArray<Entry> slots = new AtomicReferenceArray<>(SLOTS);
  private final AtomicLong bytes = new AtomicLong();

  /**
   * @param replies one reply, or one per order of the shuffled records by {@link #rank}
   * @param weights the shuffled records' weights; empty when the reply is not shuffled
   */
  private record Entry(byte[] key, int hash, byte[][] replies, double[] weights, long size) {}

  ReplyCache(DnsAnswerTable table) {
    this.table = table;
  }

  /** Whether this cache holds replies of {@code other}. */
  boolean of(DnsAnswerTable other) {
    return table == other;
  }

  /**
   * Writes the reply to the query {@code question} was read from into {@code out}; its length, or
   * -1 when there is none. {@code keys} and {@code order} are scratch of {@value #MAX_SHUFFLED}.
   */
  int reply(QuestionKey question, byte[] packet, byte[] out, double[] keys, int[] order) {
    Entry e = slots.get(question.hash() & (SLOTS - 1));
    if (e == null || e.hash != question.hash() || !question.matches(e.key, packet)) {
      return -1;
    }
    byte[] message = e.weights.length == 0 ? e.replies[0] : e.replies[draw(e.weights, keys, order)];
    System.arraycopy(message, 0, out, 0, message.length);
    out[0] = packet[0];
    out[1] = packet[1];
    out[2] = (byte) ((message[2] & ~0x01) | (packet[2] & 0x01)); // RD
    System.arraycopy(packet, 12, out, 12, question.questionEnd() - 12);
    return message.length;
  }

  /** A weighted random order of {@code weights.length} records, as its {@link #rank}. */
  private static int draw(double[] weights, double[] keys, int[] order) {
    int n = weights.length;
    ThreadLocalRandom random = ThreadLocalRandom.current();
    for (int i = 0; i < n; i++) {
      keys[i] = WeightedOrder.key(weights[i], random);
      order[i] = i;
    }
    for (int i = 1; i < n; i++) { // insertion sort by key: n is at most 4
      int o = order[i];
      int j = i - 1;
      while (j >= 0 && keys[order[j]] > keys[o]) {
        order[j + 1] = order[j];
        j--;
      }
      order[j + 1] = o;
    }
    return rank(order, n);
  }

  /** The position of {@code order} among the orders of its length, in lexicographic order. */
  static int rank(int[] order) {
    return rank(order, order.length);
  }

  private static int rank(int[] order, int n) {
    int rank = 0;
    for (int i = 0; i < n; i++) {
      int smallerLater = 0;
      for (int j = i + 1; j < n; j++) {
        if (order[j] < order[i]) {
          smallerLater++;
        }
      }
      rank = rank * (n - i) + smallerLater;
    }
    return rank;
  }

  static int factorial(int n) {
    int f = 1;
    for (int i = 2; i <= n; i++) {
      f *= i;
    }
    return f;
  }

  /**
   * Keeps {@code replies}, the uncached replies to the query {@code question} was read from: one,
   * or one per order of the records with {@code weights} (empty when not shuffled).
   */
  void put(QuestionKey question, byte[] packet, byte[][] replies, double[] weights) {
    byte[] key = question.copy(packet);
    long size = ENTRY_OVERHEAD + key.length + 8L * weights.length;
    for (byte[] r : replies) {
      size += r.length + 16;
    }
    Entry next =
        new Entry(
            key,
            question.hash(),
            replies.clone(),
            weights.length == 0 ? NOT_SHUFFLED : weights.clone(),
            size);
    if (bytes.addAndGet(size) > MAX_BYTES) {
      bytes.addAndGet(-size);
      return;
    }
    Entry old = slots.getAndSet(question.hash() & (SLOTS - 1), next);
    if (old != null) {
      bytes.addAndGet(-old.size);
    }
  }

  /** Bytes held, about. */
  long bytes() {
    return bytes.get();
  }
}
