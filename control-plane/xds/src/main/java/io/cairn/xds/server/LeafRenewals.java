package io.cairn.xds.server;

import io.cairn.ca.LeafCache;
import io.cairn.ca.MeshCa;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.model.Indexed;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps the leaves of the services that registered sidecars front current without anyone asking:
 * one virtual thread issues a service's first leaf, renews each at its renewal time, and reissues
 * them all when the CA's active root changes. Each new leaf reaches the sidecars through the leaf
 * cache's listener. When sidecars are registered and the registry has no CA yet, it sets the CA up
 * (a write, so never on the registry writer's thread nor the snapshot builder's).
 *
 * <p>It wakes when told of new services or a new CA, at the earliest renewal time, and at least
 * every {@link #NAP} to look at the clock (which may jump), which costs a comparison.
 */
final class LeafRenewals implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(LeafRenewals.class);

  /** The longest the thread sleeps without looking at the clock. */
  static final Duration NAP = Duration.ofSeconds(1);

  /**
   * After a failure (the CA could not be set up, a leaf not made), the wait before trying again.
   */
  private static final Duration RETRY = Duration.ofSeconds(5);

  private final MeshCa mesh;
  private final Supplier<RegistrySnapshot> registry;
  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition woken = lock.newCondition();
  // Guarded by lock.
  private Set<String> services = Set.of();
  private long caIndex;
  private boolean dirty;
  private boolean closed;
  // Owned by the thread: when a leaf is next due.
  private Instant next = Instant.MAX;
  private final Thread thread;

  LeafRenewals(MeshCa mesh, Supplier<RegistrySnapshot> registry, Clock clock) {
    this.mesh = mesh;
    this.registry = registry;
    this.clock = clock;
    this.thread = Thread.ofVirtual().name("cairn-xds-leaves").start(this::run);
  }

  /**
   * The services whose sidecars need leaves now, and the CA they were built with; wakes the thread
   * when either changed.
   */
  void follow(Set<String> sidecarServices, Optional<Indexed<CaSetup>> ca) {
    long index = ca.map(Indexed::modifyIndex).orElse(0L);
    lock.lock();
    try {
      if (!sidecarServices.equals(services) || index != caIndex) {
        services = Set.copyOf(sidecarServices);
        caIndex = index;
        dirty = true;
        woken.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  private void run() {
    while (true) {
      Set<String> now;
      lock.lock();
      try {
        Instant at;
        while (!closed && !dirty && (at = clock.instant()).isBefore(next)) {
          long wait =
              next.isBefore(at.plus(NAP))
                  ? Math.max(1, Duration.between(at, next).toNanos())
                  : NAP.toNanos();
          woken.await(wait, TimeUnit.NANOSECONDS);
        }
        if (closed) {
          return;
        }
        dirty = false;
        now = services;
      } catch (InterruptedException e) {
        return;
      } finally {
        lock.unlock();
      }
      try {
        next = renew(now);
      } catch (RuntimeException e) {
        log.atWarn().setCause(e).log("sidecar leaves could not be issued; trying again");
        next = clock.instant().plus(RETRY);
      }
    }
  }

  /** Issues what is missing or due; returns when the next leaf falls due. */
  private Instant renew(Set<String> wanted) {
    if (wanted.isEmpty()) {
      return Instant.MAX;
    }
    Optional<Indexed<CaSetup>> ca = registry.get().ca();
    if (ca.isEmpty()) {
      // Sidecars wait for their snapshot until the CA exists; its write comes back as a change.
      mesh.service().current();
      ca = registry.get().ca();
    }
    CaSetup setup = ca.orElseThrow().value();
    LeafCache leaves = mesh.leaves();
    Instant soonest = Instant.MAX;
    for (String service : wanted) {
      Optional<LeafCache.Entry> held = leaves.held(service);
      LeafCache.Entry entry =
          held.isPresent() && held.get().current(setup, clock.instant())
              ? held.get()
              : leaves.leaf(service);
      if (entry.renewAt().isBefore(soonest)) {
        soonest = entry.renewAt();
      }
    }
    return soonest;
  }

  @Override
  public void close() {
    lock.lock();
    try {
      closed = true;
      woken.signal();
    } finally {
      lock.unlock();
    }
    try {
      thread.join(Duration.ofSeconds(5));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
