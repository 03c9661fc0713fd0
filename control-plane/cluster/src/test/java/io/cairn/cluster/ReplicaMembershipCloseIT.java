package io.cairn.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.testfixtures.etcd.LocalEtcd;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * close() is final even while the replica is rejoining after losing its lease: no lease is kept
 * alive and no member key stays behind, whatever moment etcd comes back.
 */
class ReplicaMembershipCloseIT {
  @TempDir Path dir;

  private LocalEtcd etcd;

  @AfterEach
  void tearDown() {
    if (etcd != null) {
      etcd.close();
    }
  }

  @Test
  void closeRacingARejoinLeavesNoLeaseAlive() throws Exception {
    etcd = LocalEtcd.start(1, dir);
    EtcdKeys keys = new EtcdKeys("/it/");
    int rounds = 0;
    try (Client direct = Client.builder().endpoints(etcd.endpoints().getFirst()).build();
        TcpProxy proxy = TcpProxy.to(etcd.endpoints().getFirst())) {
      for (long closeAfterMs : List.of(0L, 5L, 20L, 50L, 100L, 200L)) {
        EtcdSettings settings = TestEtcdSettings.of(List.of(proxy.url()), Duration.ofSeconds(5));
        try (Client client = EtcdClients.connect(settings)) {
          ReplicaMembership m = ReplicaMembership.join(client, settings, "r" + rounds);
          assertThat(m.leaseId()).isNotZero();
          proxy.cut(); // the keep-alive breaks; the lease (2 s) runs out; a rejoin loop starts
          await().atMost(Duration.ofSeconds(10)).until(() -> m.leaseId() == 0);
          Thread.sleep(2_500);
          proxy.restore(); // the rejoin's next attempt can now succeed...
          Thread.sleep(closeAfterMs);
          m.close(); // ...racing this
          // Longer than a lease TTL: a member key under a lease kept alive after close stays.
          Thread.sleep(3_500);
          assertThat(
                  direct
                      .getKVClient()
                      .get(keys.members(), GetOption.builder().isPrefix(true).build())
                      .get(5, TimeUnit.SECONDS)
                      .getKvs())
              .as("member keys after close (round %d)", rounds)
              .isEmpty();
        }
        rounds++;
      }
    }
    System.out.printf("close racing a rejoin: %d rounds, no member key left%n", rounds);
  }
}
