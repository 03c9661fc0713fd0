package io.cairn.cluster;

import io.cairn.health.CheckOwnership;
import io.cairn.registry.StoreException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.kv.GetResponse;
import io.etcd.jetcd.kv.TxnResponse;
import io.etcd.jetcd.lease.LeaseKeepAliveResponse;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.support.CloseableClient;
import io.etcd.jetcd.watch.WatchEvent;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * This replica's place in the cluster: a key {@code members/<node>} under a lease it keeps alive,
 * and a watch over everyone's keys. A replica that dies stops renewing; etcd drops its key after
 * the lease's TTL and the others take over its checks. A replica that lost its lease (etcd was away
 * longer than the TTL) joins again when etcd is back. Health checks go to live replicas by {@link
 * Rendezvous} hashing of the check id.
 */
public final class ReplicaMembership implements CheckOwnership, AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(ReplicaMembership.class);
  private static final Duration RETRY = Duration.ofMillis(500);

  private final Client client;
  private final EtcdSettings settings;
  private final EtcdKeys keys;
  private final String node;
  private final List<Runnable> listeners = new CopyOnWriteArrayList<>();
  private volatile Set<String> live = Set.of();
  private volatile long leaseId;
  private volatile CloseableClient keepAlive;
  private volatile RangeWatch watch;

  /**
   * Guards {@link #closed} against installing a lease or keep-alive: once closed, nothing this
   * replica starts renews a lease, so close() is final even while a rejoin is under way.
   */
  private final Object lock = new Object();

  private volatile boolean closed;
  private volatile Thread rejoiner;

  private ReplicaMembership(Client client, EtcdSettings settings, String node) {
    this.client = client;
    this.settings = settings;
    this.keys = new EtcdKeys(settings.prefix());
    this.node = node;
  }

  /**
   * Registers {@code node} as a live replica and starts following the others. If another live
   * replica holds the name, waits up to one TTL for its lease to run out (a predecessor killed a
   * moment ago), then fails.
   */
  public static ReplicaMembership join(Client client, EtcdSettings settings, String node) {
    ReplicaMembership m = new ReplicaMembership(client, settings, node);
    m.register(System.nanoTime() + settings.memberTtl().plusSeconds(2).toNanos());
    long revision = m.readMembers();
    m.watch =
        new RangeWatch(
            client,
            m.keys.members(),
            EtcdKeys.rangeEnd(m.keys.members()),
            revision + 1,
            new RangeWatch.Handler() {
              @Override
              public void onEvents(List<WatchEvent> events) {
                m.apply(events);
              }

              @Override
              public long onCompacted() {
                return m.readMembers();
              }
            },
            "members");
    return m;
  }

  private void register(long deadline) {
    long ttl = Math.max(2, settings.memberTtl().toSeconds());
    long lease = grant(ttl);
    long grantedAt = System.nanoTime();
    ByteSequence key = keys.member(node);
    while (true) {
      // Nothing renews the lease until the join succeeds: waiting out a predecessor's lease can
      // outlast it (etcd then refuses the put: "requested lease not found"), so a lease half
      // gone is replaced.
      if (System.nanoTime() - grantedAt > TimeUnit.SECONDS.toNanos(ttl) / 2) {
        revokeQuietly(lease);
        lease = grant(ttl);
        grantedAt = System.nanoTime();
      }
      TxnResponse r =
          EtcdClients.await(
              client
                  .getKVClient()
                  .txn()
                  .If(new Cmp(key, Cmp.Op.EQUAL, CmpTarget.version(0)))
                  .Then(
                      Op.put(
                          key,
                          EtcdKeys.bytes(node),
                          PutOption.builder().withLeaseId(lease).build()))
                  .Else(Op.get(key, GetOption.DEFAULT))
                  .commit(),
              settings.timeout(),
              "join");
      if (r.isSucceeded()) {
        break;
      }
      if (System.nanoTime() > deadline) {
        client.getLeaseClient().revoke(lease);
        throw new StoreException(
            "node name '"
                + node
                + "' is in use by a live replica (etcd key "
                + EtcdKeys.after(EtcdKeys.bytes(""), key)
                + "); give every replica its own --node-name");
      }
      sleep(RETRY);
    }
    if (!install(lease)) {
      revokeQuietly(lease);
      throw new StoreException("replica closed while joining the cluster");
    }
    log.atInfo()
        .addKeyValue("node", node)
        .addKeyValue("lease-ttl-s", ttl)
        .log("joined the cluster");
  }

  private long grant(long ttl) {
    return EtcdClients.await(client.getLeaseClient().grant(ttl), settings.timeout(), "grant lease")
        .getID();
  }

  /** Renewals of one lease; when the lease is gone, joins again with a new one. */
  private final class KeepAliveObserver implements StreamObserver<LeaseKeepAliveResponse> {
    private final long lease;

    KeepAliveObserver(long lease) {
      this.lease = lease;
    }

    @Override
    public void onNext(LeaseKeepAliveResponse value) {
      if (value.getTTL() <= 0) {
        lost(new IllegalStateException("lease expired"));
      }
    }

    @Override
    public void onError(Throwable t) {
      lost(t);
    }

    @Override
    public void onCompleted() {
      lost(new IllegalStateException("keep-alive ended"));
    }

    private void lost(Throwable why) {
      synchronized (lock) {
        if (closed || leaseId != lease) {
          return;
        }
        leaseId = 0;
        rejoiner = Thread.ofVirtual().name("etcd-rejoin").unstarted(() -> rejoin(lease));
        rejoiner.start();
      }
      log.atWarn().addKeyValue("node", node).log("lost cluster membership: {}", why.getMessage());
    }
  }

  /**
   * After the keep-alive stream broke: keeps the old lease if it is still alive (a short break,
   * such as an etcd member restarting, so the others never see this replica leave and its checks do
   * not move twice), else joins again with a new one once the old key is gone.
   */
  private void rejoin(long lost) {
    CloseableClient old = keepAlive;
    if (old != null) {
      old.close();
    }
    // close() interrupts this thread; an interrupted rejoin stops at once.
    while (!closed && !Thread.currentThread().isInterrupted()) {
      try {
        long ttl =
            EtcdClients.await(
                    client.getLeaseClient().keepAliveOnce(lost), settings.timeout(), "renew lease")
                .getTTL();
        if (ttl > 0) {
          if (install(lost)) {
            log.atInfo().addKeyValue("node", node).log("cluster membership renewed");
          }
          return;
        }
      } catch (RuntimeException e) {
        log.atDebug().log("lease {} not renewed: {}", lost, e.getMessage());
      }
      try {
        register(System.nanoTime());
        return;
      } catch (RuntimeException e) {
        log.atDebug().log("rejoin failed, retrying: {}", e.getMessage());
        sleep(RETRY);
      }
    }
  }

  /** Takes {@code lease} as this replica's and keeps it alive; false (nothing done) if closed. */
  private boolean install(long lease) {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      leaseId = lease;
      keepAlive = client.getLeaseClient().keepAlive(lease, new KeepAliveObserver(lease));
      return true;
    }
  }

  private void revokeQuietly(long lease) {
    try {
      EtcdClients.await(
          client.getLeaseClient().revoke(lease), Duration.ofSeconds(2), "leave the cluster");
    } catch (RuntimeException e) {
      log.atDebug().log("could not revoke the membership lease: {}", e.getMessage());
    }
  }

  /** Whether this replica holds a live membership lease (false while it rejoins or is closed). */
  public boolean joined() {
    return leaseId != 0 && !closed;
  }

  private long readMembers() {
    GetResponse r =
        EtcdClients.await(
            client
                .getKVClient()
                .get(
                    keys.members(),
                    GetOption.builder().withRange(EtcdKeys.rangeEnd(keys.members())).build()),
            settings.timeout(),
            "read members");
    Set<String> names = new TreeSet<>();
    for (KeyValue kv : r.getKvs()) {
      names.add(EtcdKeys.after(keys.members(), kv.getKey()));
    }
    update(names);
    return r.getHeader().getRevision();
  }

  private void apply(List<WatchEvent> events) {
    Set<String> names = new TreeSet<>(live);
    for (WatchEvent e : events) {
      String name = EtcdKeys.after(keys.members(), e.getKeyValue().getKey());
      if (e.getEventType() == WatchEvent.EventType.DELETE) {
        names.remove(name);
      } else {
        names.add(name);
      }
    }
    update(names);
  }

  private void update(Set<String> names) {
    if (names.equals(live)) {
      return;
    }
    live = Collections.unmodifiableSet(names);
    log.atInfo().addKeyValue("members", String.join(",", names)).log("cluster members changed");
    listeners.forEach(Runnable::run);
  }

  /** Names of the live replicas, as etcd last told us. */
  public Set<String> members() {
    return live;
  }

  public String node() {
    return node;
  }

  /** The lease of this replica's membership; 0 while it has none. */
  long leaseId() {
    return leaseId;
  }

  @Override
  public boolean owns(String checkId) {
    Set<String> members = live;
    if (!members.contains(node)) {
      // Not in the list (yet, or etcd is away): count ourselves in, so our share keeps running.
      members = new TreeSet<>(members);
      members.add(node);
    }
    return Rendezvous.owner(members, checkId).orElse(node).equals(node);
  }

  @Override
  public void onChange(Runnable listener) {
    listeners.add(listener);
  }

  /** Leaves at once: the lease is revoked, so the others take over this replica's checks now. */
  @Override
  public void close() {
    CloseableClient k;
    long lease;
    Thread rejoining;
    synchronized (lock) {
      if (closed) {
        return;
      }
      closed = true;
      k = keepAlive;
      keepAlive = null;
      lease = leaseId;
      leaseId = 0;
      rejoining = rejoiner;
    }
    if (watch != null) {
      watch.close();
    }
    if (k != null) {
      k.close();
    }
    if (rejoining != null) {
      rejoining.interrupt();
      try {
        rejoining.join(Duration.ofSeconds(5)); // its etcd calls time out within settings' timeout
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    if (lease != 0) {
      revokeQuietly(lease);
    }
  }

  private static void sleep(Duration d) {
    try {
      Thread.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
