package io.cairn.cluster;

import io.cairn.health.CheckOwnership;
import io.cairn.registry.Registry;
import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Set;
import java.util.function.Consumer;

/**
 * One replica's part of a Cairn cluster on etcd: the registry over the shared store, the replica's
 * membership (which decides the health checks it runs), and TTL report forwarding. Closing leaves
 * the cluster at once, so the other replicas take over this one's checks without waiting for its
 * lease to run out.
 */
public final class EtcdCluster implements AutoCloseable {
  private final Client client;
  private final EtcdSettings settings;
  private final Registry registry;
  private final ReplicaMembership membership;
  private volatile TtlHeartbeats heartbeats;

  private EtcdCluster(
      Client client, EtcdSettings settings, Registry registry, ReplicaMembership membership) {
    this.client = client;
    this.settings = settings;
    this.registry = registry;
    this.membership = membership;
  }

  /** Loads the registry from etcd and joins as {@code node}, which must be unique. */
  public static EtcdCluster join(EtcdSettings settings, String node, MeterRegistry meters) {
    Client client = EtcdClients.connect(settings);
    Registry registry = null;
    try {
      registry = Registry.replicated(new EtcdStore(client, settings, node), meters);
      ReplicaMembership membership = ReplicaMembership.join(client, settings, node);
      Gauge.builder("cairn.cluster.members", membership, m -> m.members().size())
          .description("Live Cairn replicas in the cluster")
          .register(meters);
      return new EtcdCluster(client, settings, registry, membership);
    } catch (RuntimeException e) {
      if (registry != null) {
        registry.close();
      }
      client.close();
      throw e;
    }
  }

  public Registry registry() {
    return registry;
  }

  public CheckOwnership ownership() {
    return membership;
  }

  /** Names of the live replicas. */
  public Set<String> members() {
    return membership.members();
  }

  /** Starts taking TTL reports other replicas pass on for checks this one owns. */
  public void followTtlReports(Consumer<String> onReport) {
    heartbeats = TtlHeartbeats.start(client, settings, membership, onReport);
  }

  /** Passes a TTL report received here on to the replica that owns the check. */
  public void reportTtl(String checkId) {
    TtlHeartbeats h = heartbeats;
    if (h != null) {
      h.report(checkId);
    }
  }

  @Override
  public void close() {
    TtlHeartbeats h = heartbeats;
    if (h != null) {
      h.close();
    }
    membership.close();
    registry.close();
    client.close();
  }
}
