package io.cairn.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.testfixtures.etcd.LocalEtcd;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.options.GetOption;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.stream.IntStream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * TTL reports passed between replicas through etcd reach the check's owner and do not stay in etcd
 * afterwards, including reports left behind while their owner was away.
 */
class TtlReportsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  @Test
  void reportsReachTheOwnerAndAreRemovedOnceUsed() throws Exception {
    try (LocalEtcd etcd = LocalEtcd.start(1, dir)) {
      EtcdSettings settings = TestEtcdSettings.of(etcd.endpoints());
      EtcdKeys keys = new EtcdKeys(settings.prefix());
      try (Client ca = EtcdClients.connect(settings);
          Client cb = EtcdClients.connect(settings);
          ReplicaMembership a = ReplicaMembership.join(ca, settings, "a");
          ReplicaMembership b = ReplicaMembership.join(cb, settings, "b")) {
        await().atMost(WAIT).until(() -> a.members().equals(Set.of("a", "b")));
        await().atMost(WAIT).until(() -> b.members().equals(Set.of("a", "b")));
        List<String> ownedByB =
            IntStream.range(0, 200)
                .mapToObj(i -> "check-" + i)
                .filter(id -> b.owns(id) && !a.owns(id))
                .limit(20)
                .toList();
        assertThat(ownedByB).hasSize(20);
        List<String> reachedB = new CopyOnWriteArrayList<>();
        try (TtlHeartbeats ha = TtlHeartbeats.start(ca, settings, a, id -> {});
            TtlHeartbeats hb = TtlHeartbeats.start(cb, settings, b, reachedB::add)) {
          for (int round = 0; round < 3; round++) {
            ownedByB.forEach(ha::report);
          }
          await().atMost(WAIT).until(() -> Set.copyOf(reachedB).containsAll(ownedByB));
          await()
              .atMost(WAIT)
              .untilAsserted(() -> assertThat(reportKeys(ca, keys)).as("reports left").isZero());
        }

        // Reports written while their owner was not following (here: no TtlHeartbeats on b)
        // are removed when it starts.
        try (TtlHeartbeats ha = TtlHeartbeats.start(ca, settings, a, id -> {})) {
          ownedByB.forEach(ha::report);
          await().atMost(WAIT).until(() -> reportKeys(ca, keys) == ownedByB.size());
        }
        try (TtlHeartbeats hb = TtlHeartbeats.start(cb, settings, b, id -> {})) {
          await()
              .atMost(WAIT)
              .untilAsserted(
                  () -> assertThat(reportKeys(ca, keys)).as("reports left behind").isZero());
        }
        System.out.printf(
            "TTL reports: %d checks reported 3 times through another replica, all delivered and"
                + " removed; %d left behind removed at start%n",
            ownedByB.size(), ownedByB.size());
      }
    }
  }

  private static long reportKeys(Client client, EtcdKeys keys) throws Exception {
    return client
        .getKVClient()
        .get(keys.heartbeats(), GetOption.builder().isPrefix(true).withCountOnly(true).build())
        .get(10, TimeUnit.SECONDS)
        .getCount();
  }
}
