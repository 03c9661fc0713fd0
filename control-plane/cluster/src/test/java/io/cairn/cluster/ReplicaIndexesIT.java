package io.cairn.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.Registry;
import io.cairn.testfixtures.etcd.LocalEtcd;
import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Replicas give a client the same index for the same read, whether they saw a change live, loaded
 * the store later, or reloaded it after etcd compacted the history they missed.
 */
class ReplicaIndexesIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  @TempDir Path dir;

  private LocalEtcd etcd;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  private Registry replica(String node, String endpoint) {
    Registry r =
        Registry.replicated(
            EtcdStore.connect(TestEtcdSettings.of(List.of(endpoint)), node),
            new SimpleMeterRegistry());
    open.add(r);
    return r;
  }

  @Test
  void aReplicaStartedLaterServesTheSameIndexes() {
    etcd = LocalEtcd.start(1, dir);
    Registry a = replica("a", etcd.endpoints().getFirst());
    int commands = MixedChanges.apply(a, "");

    Registry b = replica("b", etcd.endpoints().getFirst());
    await().atMost(WAIT).until(() -> b.snapshot().index() == a.snapshot().index());
    int compared = SameSnapshot.assertSame(a.snapshot(), b.snapshot(), MixedChanges.services(""));
    assertThat(a.snapshot().serviceIndex("s2")).isLessThan(a.snapshot().index());

    // Both follow further changes alike.
    commands += MixedChanges.apply(a, "x-");
    await().atMost(WAIT).until(() -> b.snapshot().index() == a.snapshot().index());
    compared += SameSnapshot.assertSame(a.snapshot(), b.snapshot(), MixedChanges.services("x-"));
    System.out.printf("started later: %d commands, %d indexes compared%n", commands, compared);
  }

  @Test
  void aReplicaThatReloadedAfterACompactionServesTheSameIndexes() throws Exception {
    etcd = LocalEtcd.start(1, dir);
    Registry a = replica("a", etcd.endpoints().getFirst());
    TcpProxy proxy = TcpProxy.to(etcd.endpoints().getFirst());
    open.add(proxy);
    Registry b = replica("b", proxy.url());
    int commands = MixedChanges.apply(a, "");
    await().atMost(WAIT).until(() -> b.snapshot().index() == a.snapshot().index());

    proxy.cut();
    commands += MixedChanges.apply(a, "x-");
    try (Client c = Client.builder().endpoints(etcd.endpoints().getFirst()).build()) {
      c.getKVClient().compact(a.snapshot().index()).get(10, TimeUnit.SECONDS);
    }
    proxy.restore();
    await().atMost(WAIT).until(() -> b.snapshot().index() == a.snapshot().index());
    List<String> services = new ArrayList<>(MixedChanges.services(""));
    services.addAll(MixedChanges.services("x-"));
    int compared = SameSnapshot.assertSame(a.snapshot(), b.snapshot(), services);

    // And a third replica loading the compacted store agrees with both.
    Registry c = replica("c", etcd.endpoints().getFirst());
    compared += SameSnapshot.assertSame(a.snapshot(), c.snapshot(), services);
    System.out.printf(
        "reload after compaction: %d commands, %d indexes compared%n", commands, compared);
  }
}
