package io.cairn.cluster;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
import io.etcd.jetcd.op.Cmp;
import io.etcd.jetcd.op.CmpTarget;
import io.etcd.jetcd.op.Op;
import io.etcd.jetcd.options.DeleteOption;
import io.etcd.jetcd.options.GetOption;
import io.etcd.jetcd.options.PutOption;
import io.etcd.jetcd.watch.WatchEvent;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Carries TTL reports to the replica that runs the check. A report that arrives at a replica not
 * owning the check is put under {@code ttl/<check>} (with the reporter's membership lease, so keys
 * of gone replicas clean themselves up); every replica watches those keys and resets the TTL clock
 * of the checks it owns. Status changes still go through the registry as usual.
 *
 * <p>The owner deletes a report once it has used it (unless a newer one came meanwhile), and at
 * start deletes the reports it owns that nobody used: otherwise a key stays for every check ever
 * reported through another replica, and for good if it was written while the reporter had no lease.
 */
public final class TtlHeartbeats implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(TtlHeartbeats.class);

  private final Client client;
  private final EtcdKeys keys;
  private final ReplicaMembership membership;
  private final RangeWatch watch;

  private TtlHeartbeats(
      Client client,
      EtcdSettings settings,
      ReplicaMembership membership,
      Consumer<String> onReport) {
    this.client = client;
    this.keys = new EtcdKeys(settings.prefix());
    this.membership = membership;
    long revision = currentRevision(settings);
    sweep(settings);
    this.watch =
        new RangeWatch(
            client,
            keys.heartbeats(),
            EtcdKeys.rangeEnd(keys.heartbeats()),
            revision + 1,
            new RangeWatch.Handler() {
              @Override
              public void onEvents(List<WatchEvent> events) {
                for (WatchEvent e : events) {
                  KeyValue kv = e.getKeyValue();
                  if (e.getEventType() == WatchEvent.EventType.PUT
                      && !kv.getValue()
                          .toString(StandardCharsets.UTF_8)
                          .equals(membership.node())) {
                    String check = EtcdKeys.after(keys.heartbeats(), kv.getKey());
                    if (membership.owns(check)) {
                      onReport.accept(check);
                      consumed(kv);
                    }
                  }
                }
              }

              @Override
              public long onCompacted() {
                // Reports are only worth something when fresh: skip what was missed.
                return currentRevision(settings);
              }
            },
            "ttl");
  }

  /** Deletes a used report, unless it was written again since. */
  private void consumed(KeyValue kv) {
    client
        .getKVClient()
        .txn()
        .If(new Cmp(kv.getKey(), Cmp.Op.EQUAL, CmpTarget.modRevision(kv.getModRevision())))
        .Then(Op.delete(kv.getKey(), DeleteOption.DEFAULT))
        .commit()
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                log.atDebug().log("TTL report not removed: {}", e.toString());
              }
            });
  }

  /** Deletes the reports for checks this replica owns that were left behind (not replayed). */
  private void sweep(EtcdSettings settings) {
    List<KeyValue> left =
        EtcdClients.await(
                client
                    .getKVClient()
                    .get(keys.heartbeats(), GetOption.builder().isPrefix(true).build()),
                settings.timeout(),
                "read TTL reports")
            .getKvs();
    int removed = 0;
    for (KeyValue kv : left) {
      if (membership.owns(EtcdKeys.after(keys.heartbeats(), kv.getKey()))) {
        consumed(kv);
        removed++;
      }
    }
    if (removed > 0) {
      log.atInfo().addKeyValue("reports", removed).log("removed TTL reports left behind");
    }
  }

  /** etcd's revision now: reports are followed from there, never replayed. */
  private long currentRevision(EtcdSettings settings) {
    return EtcdClients.await(
            client.getKVClient().get(keys.heartbeats()), settings.timeout(), "read revision")
        .getHeader()
        .getRevision();
  }

  /** Starts following reports; {@code onReport} gets the ids of checks this replica owns. */
  public static TtlHeartbeats start(
      Client client,
      EtcdSettings settings,
      ReplicaMembership membership,
      Consumer<String> onReport) {
    return new TtlHeartbeats(client, settings, membership, onReport);
  }

  /** Passes a TTL report on to the check's owner, unless that is this replica. */
  public void report(String checkId) {
    if (membership.owns(checkId)) {
      return;
    }
    long lease = membership.leaseId();
    PutOption option =
        lease == 0 ? PutOption.DEFAULT : PutOption.builder().withLeaseId(lease).build();
    client
        .getKVClient()
        .put(keys.heartbeat(checkId), EtcdKeys.bytes(membership.node()), option)
        .whenComplete(
            (r, e) -> {
              if (e != null) {
                log.atDebug().addKeyValue("check", checkId).log("TTL report not passed on: {}", e);
              }
            });
  }

  @Override
  public void close() {
    watch.close();
  }
}
