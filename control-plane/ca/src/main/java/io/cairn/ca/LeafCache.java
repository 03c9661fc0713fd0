package io.cairn.ca;

import io.cairn.registry.ca.CaSetup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

/**
 * The leaf each service is handed, as a Consul agent keeps it: issued on first request, then the
 * same leaf until it is due for renewal (at a random point between 60% and 90% of its life, so a
 * fleet does not renew at once) or the active root changes. Each new leaf gets the next index, so a
 * blocking read wakes when it changes. Bounded: the least recently used services are forgotten.
 */
public final class LeafCache {
  /** A leaf and the index that identifies it. */
  public record Entry(Leaf leaf, long index, Instant renewAt) {}

  private final Supplier<CaSetup> ca;
  private final String datacenter;
  private final Clock clock;
  private final int maxServices;
  private final Map<String, Entry> leaves;
  private long nextIndex = 1;

  public LeafCache(Supplier<CaSetup> ca, String datacenter, Clock clock, int maxServices) {
    this.ca = ca;
    this.datacenter = datacenter;
    this.clock = clock;
    this.maxServices = maxServices;
    this.leaves = new LinkedHashMap<>(16, 0.75f, true);
  }

  /** The current leaf of {@code service}, issued or renewed now if due. */
  public synchronized Entry leaf(String service) {
    CaSetup setup = ca.get();
    Instant now = clock.instant();
    Entry e = leaves.get(service);
    if (e == null
        || !e.leaf().rootId().equals(setup.activeRootId())
        || !now.isBefore(e.renewAt())) {
      Leaf leaf = CertificateAuthority.issue(setup, datacenter, service, now);
      Duration life = Duration.between(leaf.validAfter(), leaf.validBefore());
      double at = 0.6 + 0.3 * ThreadLocalRandom.current().nextDouble();
      e = new Entry(leaf, nextIndex++, leaf.validAfter().plusMillis((long) (life.toMillis() * at)));
      leaves.put(service, e);
      if (leaves.size() > maxServices) {
        leaves.remove(leaves.keySet().iterator().next());
      }
    }
    return e;
  }
}
