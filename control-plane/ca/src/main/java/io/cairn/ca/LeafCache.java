package io.cairn.ca;

import io.cairn.registry.ca.CaSetup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

/**
 * The leaf each service is handed, as a Consul agent keeps it: issued on first request, then the
 * same leaf until it is due for renewal (at a random point between 60% and 90% of its life, so a
 * fleet does not renew at once) or the active root changes. Each new leaf gets the next index, so a
 * blocking read wakes when it changes. Bounded: the least recently used services are forgotten.
 *
 * <p>Thread-safe. The map of services is locked only to find a service's slot; a leaf is issued
 * under its own service's lock, so first requests for many services make their keys in parallel
 * while requests for one service wait for the one leaf being made. Who follows the registry tells
 * the cache when the CA changed ({@link #caChanged}), which wakes those waiting on a change.
 */
public final class LeafCache {
  /** A leaf and the index that identifies it. */
  public record Entry(Leaf leaf, long index, Instant renewAt) {
    /** Whether it is still the one to hand out: signed by the active root and not yet due. */
    public boolean current(CaSetup setup, Instant now) {
      return leaf.rootId().equals(setup.activeRootId()) && now.isBefore(renewAt);
    }
  }

  /** Told of every new leaf, on the thread that issued it, after it is handed out. */
  @FunctionalInterface
  public interface Listener {
    void issued(String service, Entry entry);
  }

  /** One service's leaf, and the future its next change completes. */
  private static final class Slot {
    // Guarded by this slot.
    private Entry entry;
    private CompletableFuture<Void> changed = new CompletableFuture<>();

    /** Replaces the future with a fresh one and completes the old one. */
    void wake() {
      CompletableFuture<Void> old;
      synchronized (this) {
        old = changed;
        changed = new CompletableFuture<>();
      }
      old.complete(null);
    }
  }

  private final Supplier<CaSetup> ca;
  private final String datacenter;
  private final Clock clock;
  private final int maxServices;
  // Guarded by itself; access order, so the eldest entry is the least recently asked for.
  private final LinkedHashMap<String, Slot> slots = new LinkedHashMap<>(16, 0.75f, true);
  private final AtomicLong nextIndex = new AtomicLong(1);
  private final List<Listener> listeners = new CopyOnWriteArrayList<>();

  /**
   * @param ca the CA to issue with, read at every request (it may set the CA up on first use)
   * @param datacenter written into every leaf's SPIFFE ID
   */
  public LeafCache(Supplier<CaSetup> ca, String datacenter, Clock clock, int maxServices) {
    this.ca = ca;
    this.datacenter = datacenter;
    this.clock = clock;
    this.maxServices = maxServices;
  }

  /** The datacenter the leaves name. */
  public String datacenter() {
    return datacenter;
  }

  /** The current leaf of {@code service}, issued or renewed now if due. */
  public Entry leaf(String service) {
    CaSetup setup = ca.get();
    Slot slot = slot(service);
    Entry issued = null;
    CompletableFuture<Void> woken = null;
    synchronized (slot) {
      Instant now = clock.instant();
      if (slot.entry == null || !slot.entry.current(setup, now)) {
        Leaf leaf = CertificateAuthority.issue(setup, datacenter, service, now);
        Duration life = Duration.between(leaf.validAfter(), leaf.validBefore());
        double at = 0.6 + 0.3 * ThreadLocalRandom.current().nextDouble();
        issued =
            new Entry(
                leaf,
                nextIndex.getAndIncrement(),
                leaf.validAfter().plusMillis((long) (life.toMillis() * at)));
        slot.entry = issued;
        woken = slot.changed;
        slot.changed = new CompletableFuture<>();
      }
      if (issued == null) {
        return slot.entry;
      }
    }
    woken.complete(null);
    for (Listener l : listeners) {
      l.issued(service, issued);
    }
    return issued;
  }

  /**
   * The leaf held for {@code service}, current or not, without issuing one; a use of the service,
   * as far as the bound is concerned.
   */
  public Optional<Entry> held(String service) {
    Slot slot;
    synchronized (slots) {
      slot = slots.get(service);
    }
    if (slot == null) {
      return Optional.empty();
    }
    synchronized (slot) {
      return Optional.ofNullable(slot.entry);
    }
  }

  /**
   * Completes when {@code service} gets a new leaf, the CA changes, or the service is forgotten:
   * each time a leaf read that found nothing new may find something now. Take it before reading the
   * leaf, so a change in between is not missed.
   */
  public CompletableFuture<Void> nextChange(String service) {
    Slot slot = slot(service);
    synchronized (slot) {
      return slot.changed;
    }
  }

  /** The CA changed (a new active root, or new settings): wakes everyone waiting on a change. */
  public void caChanged() {
    List<Slot> all;
    synchronized (slots) {
      all = new ArrayList<>(slots.values());
    }
    all.forEach(Slot::wake);
  }

  /**
   * Calls {@code listener} with every leaf issued from now on.
   *
   * @return removes the listener
   */
  public Runnable listen(Listener listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  private Slot slot(String service) {
    Slot evicted = null;
    Slot slot;
    synchronized (slots) {
      slot = slots.get(service);
      if (slot == null) {
        slot = new Slot();
        slots.put(service, slot);
        if (slots.size() > maxServices) {
          Iterator<Map.Entry<String, Slot>> eldest = slots.entrySet().iterator();
          evicted = eldest.next().getValue();
          eldest.remove();
        }
      }
    }
    if (evicted != null) {
      // Whoever waits on it reads again, and finds a new slot.
      evicted.wake();
    }
    return slot;
  }
}
