package io.cairn.cluster;

import io.etcd.jetcd.Client;
import io.etcd.jetcd.KeyValue;
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
