package io.cairn.testfixtures.etcd;

import static java.nio.charset.StandardCharsets.UTF_8;
import static java.util.concurrent.TimeUnit.SECONDS;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.KV;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Starts three real etcd members and checks that writes survive the loss of one, that a restarted
 * member catches up, and that writes fail rather than hang once a quorum is gone.
 */
class LocalEtcdIT {
  private static final ByteSequence KEY = bytes("/cairn/local-etcd-it");

  @TempDir Path dir;

  private LocalEtcd etcd;
  private Client client;
  private Client memberZeroClient;

  @AfterEach
  void tearDown() {
    for (AutoCloseable resource : new AutoCloseable[] {memberZeroClient, client, etcd}) {
      if (resource != null) {
        try {
          resource.close();
        } catch (Exception e) {
          // Closing the rest matters more than this failure; the test result already stands.
        }
      }
    }
  }

  @Test
  void survivesOneMemberLossAndRefusesWritesWithoutQuorum() throws Exception {
    long started = System.nanoTime();
    etcd = LocalEtcd.start(3, dir);
    long startup = System.nanoTime() - started;
    assertThat(etcd.endpoints()).hasSize(3).allMatch(url -> url.startsWith("http://127.0.0.1:"));
    assertThat(etcd.endpointsCsv()).isEqualTo(String.join(",", etcd.endpoints()));
    assertThat(dir.resolve("member-0.log")).exists();

    client = client(etcd.endpoints());
    KV kv = client.getKVClient();
    kv.put(KEY, bytes("v1")).get(5, SECONDS);
    assertThat(value(kv)).isEqualTo("v1");

    etcd.kill(0);
    assertThat(etcd.running(0)).isFalse();
    long killed = System.nanoTime();
    // Member 0 may have been the leader: writes resume after an election, about a second.
    await()
        .atMost(Duration.ofSeconds(10))
        .ignoreExceptions()
        .untilAsserted(() -> kv.put(KEY, bytes("v2")).get(2, SECONDS));
    long writeAfterLoss = System.nanoTime() - killed;
    assertThat(value(kv)).isEqualTo("v2");

    long restarting = System.nanoTime();
    etcd.restart(0);
    long restart = System.nanoTime() - restarting;
    assertThat(etcd.running(0)).isTrue();
    assertThat(etcd.healthy(0)).isTrue();
    // A client pinned to member 0 sees the write it missed while down.
    memberZeroClient = client(List.of(etcd.endpoints().get(0)));
    assertThat(value(memberZeroClient.getKVClient())).isEqualTo("v2");

    etcd.kill(0);
    etcd.kill(1);
    assertThatThrownBy(() -> kv.put(KEY, bytes("v3")).get(3, SECONDS))
        .isInstanceOfAny(ExecutionException.class, TimeoutException.class);
    await().atMost(Duration.ofSeconds(10)).until(() -> !etcd.healthy(2));

    System.err.printf(
        "LocalEtcdIT: healthy after %d ms, write after losing a member %d ms, restart %d ms%n",
        millis(startup), millis(writeAfterLoss), millis(restart));
  }

  /** A client that gives up instead of retrying a dead cluster forever, so failures show. */
  private static Client client(List<String> endpoints) {
    return Client.builder()
        .endpoints(endpoints.toArray(String[]::new))
        .connectTimeout(Duration.ofSeconds(1))
        .waitForReady(false)
        .retryMaxDuration(Duration.ofSeconds(2))
        .build();
  }

  private static String value(KV kv) throws Exception {
    var kvs = kv.get(KEY).get(5, SECONDS).getKvs();
    assertThat(kvs).hasSize(1);
    return kvs.get(0).getValue().toString(UTF_8);
  }

  private static long millis(long nanos) {
    return Duration.ofNanos(nanos).toMillis();
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, UTF_8);
  }
}
