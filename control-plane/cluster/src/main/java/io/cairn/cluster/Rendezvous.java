package io.cairn.cluster;

import java.nio.charset.StandardCharsets;
import java.util.Collection;
import java.util.Optional;

/**
 * Rendezvous (highest-random-weight) hashing: each item goes to the member with the highest score
 * for it. Every replica computes the same owner from the same member set, and when a member leaves
 * only its own items move.
 */
final class Rendezvous {
  private Rendezvous() {}

  static Optional<String> owner(Collection<String> members, String item) {
    String best = null;
    long bestScore = 0;
    for (String m : members) {
      long score = score(m, item);
      if (best == null
          || Long.compareUnsigned(score, bestScore) > 0
          || score == bestScore && m.compareTo(best) < 0) {
        best = m;
        bestScore = score;
      }
    }
    return Optional.ofNullable(best);
  }

  /** FNV-1a over member, a separator and item, then a 64-bit finalizer for an even spread. */
  static long score(String member, String item) {
    long h = 0xcbf29ce484222325L;
    for (byte b : member.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h = (h ^ 0xff) * 0x100000001b3L;
    for (byte b : item.getBytes(StandardCharsets.UTF_8)) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    h ^= h >>> 33;
    h *= 0xff51afd7ed558ccdL;
    h ^= h >>> 33;
    h *= 0xc4ceb9fe1a85ec53L;
    h ^= h >>> 33;
    return h;
  }
}
