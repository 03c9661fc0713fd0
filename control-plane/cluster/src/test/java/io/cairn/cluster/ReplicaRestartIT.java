package io.cairn.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.testfixtures.etcd.LocalEtcd;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.PutOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A replica restarted under its name while its predecessor's member key still lives waits for that
 * key, and then joins: even when the wait outlasts the new replica's own (not yet renewed) lease.
 */
class ReplicaRestartIT {
  @TempDir Path dir;

  private LocalEtcd etcd;

  @AfterEach
  void tearDown() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void aRestartedReplicaJoinsOnceItsPredecessorsKeyIsGoneAfterItsOwnFirstLeaseRanOut()
      throws Exception {
    etcd = LocalEtcd.start(1, dir);
    EtcdSettings settings = TestEtcdSettings.of(etcd.endpoints(), Duration.ofSeconds(5));
    EtcdKeys keys = new EtcdKeys("/it/");
    try (Client direct = Client.builder().endpoints(etcd.endpoints().getFirst()).build();
        Client client = EtcdClients.connect(settings)) {
      // The predecessor, killed a moment ago: its key goes after 2.5 s, once the joining
      // replica's first 2 s lease has run out and before it gives up (member TTL + 2 s).
      long predecessor = direct.getLeaseClient().grant(60).get(5, TimeUnit.SECONDS).getID();
      ByteSequence key = keys.member("a");
      direct
          .getKVClient()
          .put(key, EtcdKeys.bytes("a"), PutOption.builder().withLeaseId(predecessor).build())
          .get(5, TimeUnit.SECONDS);

      Thread expiry =
          Thread.ofVirtual()
              .start(
                  () -> {
                    try {
                      Thread.sleep(2_500);
                      direct.getLeaseClient().revoke(predecessor).get(5, TimeUnit.SECONDS);
                    } catch (Exception e) {
                      throw new IllegalStateException(e);
                    }
                  });
      long started = System.nanoTime();
      try (ReplicaMembership m = ReplicaMembership.join(client, settings, "a")) {
        long waitedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started);
        assertThat(m.leaseId()).isNotZero().isNotEqualTo(predecessor);
        assertThat(waitedMs).as("joined after the predecessor's key went").isGreaterThan(2_000);
        System.out.printf("restarted replica joined after %d ms%n", waitedMs);
      }
      expiry.join();
    }
  }
}
