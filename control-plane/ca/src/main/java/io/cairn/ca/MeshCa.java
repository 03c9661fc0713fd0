package io.cairn.ca;

import io.cairn.registry.Registry;
import io.cairn.registry.Subscription;
import io.cairn.registry.ca.CaSetup;
import io.cairn.registry.model.Indexed;
import java.time.Clock;
import java.util.Optional;

/**
 * The CA of one running Cairn and the leaves it hands out, built once by the server and shared by
 * the HTTP API and the xDS server, so a service's sidecar and its {@code /v1/agent/connect/ca/leaf}
 * readers hold the same leaf. Follows the registry to tell the leaf cache when the CA changes (a
 * subscriber only: it never writes from the writer's thread).
 */
public final class MeshCa implements AutoCloseable {
  /** How many services' leaves are kept; beyond it the least recently asked are reissued. */
  public static final int MAX_LEAVES = 10_000;

  private final CaService service;
  private final LeafCache leaves;
  private final Clock clock;
  private final Subscription subscription;
  // The CA's index when last seen; a stale value costs a spurious wake-up, nothing more.
  private volatile long last;

  private MeshCa(Registry registry, String datacenter, Clock clock, int maxLeaves) {
    this.clock = clock;
    this.service = new CaService(registry, clock);
    this.leaves = new LeafCache(() -> service.current().value(), datacenter, clock, maxLeaves);
    this.subscription =
        registry.subscribe(
            event -> {
              long ca = indexOf(event.snapshot().ca());
              if (ca != last) {
                last = ca;
                leaves.caChanged();
              }
            });
    this.last = indexOf(subscription.startSnapshot().ca());
  }

  private static long indexOf(Optional<Indexed<CaSetup>> ca) {
    return ca.map(Indexed::modifyIndex).orElse(0L);
  }

  /**
   * Follows {@code registry}'s CA from now on.
   *
   * @param datacenter the datacenter leaves are issued in (their SPIFFE IDs name it)
   */
  public static MeshCa start(Registry registry, String datacenter, Clock clock) {
    return new MeshCa(registry, datacenter, clock, MAX_LEAVES);
  }

  /** The CA in the registry: set up on first use, configured and rotated through the writer. */
  public CaService service() {
    return service;
  }

  /** Every service's current leaf. */
  public LeafCache leaves() {
    return leaves;
  }

  public String datacenter() {
    return leaves.datacenter();
  }

  /** The clock leaves are issued and renewed by. */
  public Clock clock() {
    return clock;
  }

  @Override
  public void close() {
    subscription.close();
  }
}
