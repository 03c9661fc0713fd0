package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.command.CatalogRegister;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a process writing to the real store with SIGKILL mid-load, several times over the same data
 * directory, and checks that every acknowledged write survived and that the index never went
 * backwards.
 */
class KillNineIT {
  private static final int ROUNDS = 4;
  private static final int WRITERS = 16;

  @TempDir Path dataDir;

  @Test
  void acknowledgedWritesSurviveSigkill() throws Exception {
    long previousIndex = 0;
    int totalAcks = 0;
    int totalKeys = 0;
    int totalNodes = 0;
    for (int round = 1; round <= ROUNDS; round++) {
      Run run = runAndKill(round, 300 + ThreadLocalRandom.current().nextInt(3000));
      assertThat(run.exitCode).as("killed by SIGKILL").isEqualTo(137);
      assertThat(run.readyIndex).as("index after restart").isGreaterThanOrEqualTo(previousIndex);
      assertThat(run.acks).as("acknowledged registrations in round " + round).isNotEmpty();
      long maxAcked = verify(run);
      previousIndex = maxAcked;
      totalAcks += run.acks.size();
      totalKeys += run.keys.size();
      totalNodes += run.nodes.size();
    }
    assertThat(totalKeys).as("acknowledged KV writes").isPositive();
    assertThat(totalNodes).as("acknowledged catalog nodes").isPositive();
    System.err.printf(
        "kill -9: %d rounds, %d acknowledged registrations, %d KV writes and %d catalog nodes"
            + " verified%n",
        ROUNDS, totalAcks, totalKeys, totalNodes);
  }

  private long verify(Run run) {
    try (Registry registry = Registry.open(SqliteStore.open(dataDir), new SimpleMeterRegistry())) {
      RegistrySnapshot s = registry.snapshot();
      long maxAcked = run.readyIndex;
      for (Map.Entry<String, Long> ack : run.acks.entrySet()) {
        String id = ack.getKey();
        maxAcked = Math.max(maxAcked, ack.getValue());
        if (run.deletes.containsKey(id)) {
          assertThat(s.instance(id)).as("acknowledged deregistration of " + id).isEmpty();
          maxAcked = Math.max(maxAcked, run.deletes.get(id));
          continue;
        }
        if (s.instance(id).isEmpty() && deleteMayBeInFlight(id, run.acks)) {
          continue; // Deregistered durably, killed before the workload could print DEL.
        }
        assertThat(s.instance(id)).as("acknowledged registration of " + id).isPresent();
        assertThat(s.instance(id).get().modifyIndex()).isGreaterThanOrEqualTo(ack.getValue());
        Optional<Indexed<HealthCheck>> check = s.check(id + ":ttl");
        assertThat(check).as("check of " + id).isPresent();
        Long passedAt = run.checks.get(id);
        if (passedAt != null) {
          maxAcked = Math.max(maxAcked, passedAt);
          assertThat(check.get().value().status())
              .as("acknowledged status of " + id)
              .isEqualTo(HealthStatus.PASSING);
          assertThat(check.get().modifyIndex()).isGreaterThanOrEqualTo(passedAt);
        }
      }
      for (Map.Entry<String, Long> ack : run.keys.entrySet()) {
        String id = ack.getKey();
        maxAcked = Math.max(maxAcked, ack.getValue());
        Optional<Indexed<KvEntry>> entry = s.kv().entry("kv/" + id);
        assertThat(entry).as("acknowledged KV write of " + id).isPresent();
        assertThat(new String(entry.get().value().value(), StandardCharsets.UTF_8)).isEqualTo(id);
        assertThat(entry.get().modifyIndex()).isGreaterThanOrEqualTo(ack.getValue());
        int n = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
        if (n % 4 == 0) {
          String round = id.substring(1, id.indexOf('-'));
          assertThat(entry.get().value().session())
              .as("acknowledged lock of " + id)
              .hasValue("session-" + round);
          assertThat(s.kv().session("session-" + round)).isPresent();
        }
      }
      for (Map.Entry<String, Long> ack : run.nodes.entrySet()) {
        String id = ack.getKey();
        maxAcked = Math.max(maxAcked, ack.getValue());
        int n = Integer.parseInt(id.substring(id.lastIndexOf('-') + 1));
        CatalogRegister expected = CrashWorkload.catalogNode(id, n);
        String node = expected.node().name();
        assertThat(s.catalog().node(node).map(Indexed::value))
            .as("acknowledged catalog node " + node)
            .hasValue(expected.node());
        assertThat(s.catalog().service(node, "db").map(Indexed::value))
            .hasValue(expected.service().orElseThrow());
        assertThat(s.catalog().check(node, "alive").map(c -> c.value().status()))
            .as("acknowledged status of " + node)
            .hasValue(expected.checks().getFirst().status());
        assertThat(s.catalog().node(node).orElseThrow().modifyIndex())
            .as("index of catalog node " + node)
            .isEqualTo(ack.getValue());
      }
      assertThat(s.index())
          .as("restored index covers every acknowledgement")
          .isGreaterThanOrEqualTo(maxAcked);
      return s.index();
    }
  }

  /**
   * The workload deregisters instance i-2 right after acknowledging registration i when i % 5 == 4,
   * so an unacknowledged deregistration of {@code id} can only have been issued if that
   * registration was acknowledged.
   */
  private static boolean deleteMayBeInFlight(String id, Map<String, Long> acks) {
    int dash = id.lastIndexOf('-');
    int n = Integer.parseInt(id.substring(dash + 1));
    String trigger = id.substring(0, dash + 1) + (n + 2);
    return (n + 2) % 5 == 4 && acks.containsKey(trigger);
  }

  private record Run(
      int exitCode,
      long readyIndex,
      Map<String, Long> acks,
      Map<String, Long> checks,
      Map<String, Long> deletes,
      Map<String, Long> keys,
      Map<String, Long> nodes) {}

  private Run runAndKill(int round, int acksBeforeKill) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    Process process =
        new ProcessBuilder(
                java,
                "--enable-native-access=ALL-UNNAMED",
                "-cp",
                System.getProperty("java.class.path"),
                CrashWorkload.class.getName(),
                dataDir.toString(),
                String.valueOf(round),
                String.valueOf(WRITERS))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    Map<String, Long> acks = new HashMap<>();
    Map<String, Long> checks = new HashMap<>();
    Map<String, Long> deletes = new HashMap<>();
    Map<String, Long> keys = new HashMap<>();
    Map<String, Long> nodes = new HashMap<>();
    long[] ready = {-1};
    CountDownLatch enough = new CountDownLatch(1);
    List<String> malformed = new ArrayList<>();
    Thread reader =
        Thread.ofPlatform()
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                      record(line, ready, acks, checks, deletes, keys, nodes, malformed);
                      if (acks.size() >= acksBeforeKill) {
                        enough.countDown();
                      }
                    }
                  } catch (java.io.IOException e) {
                    // The pipe breaks when the process dies; whatever was read counts.
                  }
                });
    boolean reached = enough.await(60, TimeUnit.SECONDS);
    assertThat(reached).as("workload produced " + acksBeforeKill + " acks").isTrue();
    process.destroyForcibly(); // SIGKILL on Linux
    assertThat(process.waitFor(30, TimeUnit.SECONDS)).isTrue();
    reader.join(TimeUnit.SECONDS.toMillis(30));
    assertThat(malformed).as("lines the workload printed").hasSizeLessThanOrEqualTo(1);
    return new Run(process.exitValue(), ready[0], acks, checks, deletes, keys, nodes);
  }

  private static void record(
      String line,
      long[] ready,
      Map<String, Long> acks,
      Map<String, Long> checks,
      Map<String, Long> deletes,
      Map<String, Long> keys,
      Map<String, Long> nodes,
      List<String> malformed) {
    String[] f = line.split(" ");
    try {
      switch (f[0]) {
        case "READY" -> ready[0] = Long.parseLong(f[1]);
        case "ACK" -> acks.put(f[1], Long.parseLong(f[2]));
        case "CHK" -> checks.put(f[1], Long.parseLong(f[2]));
        case "DEL" -> deletes.put(f[1], Long.parseLong(f[2]));
        case "KV" -> keys.put(f[1], Long.parseLong(f[2]));
        case "NODE" -> nodes.put(f[1], Long.parseLong(f[2]));
        default -> malformed.add(line);
      }
    } catch (RuntimeException e) {
      // Only a line cut short by the kill can be incomplete; it acknowledged nothing.
      malformed.add(line);
    }
  }
}
