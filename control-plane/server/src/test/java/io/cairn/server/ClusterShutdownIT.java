package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.testfixtures.etcd.LocalEtcd;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGTERM ends a cluster replica within a bound whatever etcd does meanwhile: etcd killed just
 * before, at the same time, or while the replica is already trying to rejoin.
 */
class ClusterShutdownIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration EXIT = Duration.ofSeconds(30);

  /** How long etcd has been gone when the replica gets SIGTERM, per round. */
  private static final List<Duration> ETCD_GONE_FOR =
      List.of(
          Duration.ZERO, Duration.ofMillis(300), Duration.ofMillis(2500), Duration.ofSeconds(5));

  @TempDir Path dir;

  private LocalEtcd etcd;
  private CairnProcess a;
  private CairnProcess b;

  @AfterEach
  void tearDown() {
    for (CairnProcess p : new CairnProcess[] {a, b}) {
      if (p != null) {
        p.close();
      }
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  private CairnProcess replica(String name) throws Exception {
    CairnProcess p =
        CairnProcess.server(
            dir.resolve(name),
            "--store",
            "etcd",
            "--etcd-endpoints",
            etcd.endpointsCsv(),
            "--etcd-member-ttl",
            "2s",
            "--node-name",
            name);
    p.awaitHttpPort(START);
    return p;
  }

  @Test
  void sigtermEndsAReplicaWithinTheBoundWhenEtcdGoesAwayAtTheSameTime() throws Exception {
    etcd = LocalEtcd.start(1, dir.resolve("etcd"));
    int rounds = 0;
    long slowestMs = 0;
    for (Duration gone : ETCD_GONE_FOR) {
      if (!etcd.running(0)) {
        etcd.restart(0);
      }
      a = replica("cairn-a");
      b = replica("cairn-b");
      a.awaitLine(l -> l.contains("cluster members changed") && l.contains("cairn-b"), START);

      etcd.kill(0);
      Thread.sleep(gone.toMillis());
      long start = System.nanoTime();
      a.terminate(EXIT); // fails with the output if it does not exit in time
      b.terminate(EXIT);
      long ms = (System.nanoTime() - start) / 1_000_000;
      slowestMs = Math.max(slowestMs, ms);
      assertThat(a.output()).contains("stopped");
      a = null;
      b = null;
      rounds++;
    }
    System.out.printf(
        "shutdown with etcd gone: %d rounds, 2 replicas each, slowest pair exit %d ms%n",
        rounds, slowestMs);
  }
}
