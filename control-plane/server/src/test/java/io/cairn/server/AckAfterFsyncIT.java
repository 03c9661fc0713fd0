package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Syscall-level evidence that an acknowledgment follows the fsync: the packaged server runs under
 * {@code strace -f}, and between the responses to two reads around one registration the trace must
 * show the registration written to the WAL, then the WAL fsynced, and only then the 200.
 */
class AckAfterFsyncIT {
  private static final Duration START = Duration.ofSeconds(90);
  private static final int ROUNDS = 3;

  @TempDir Path dir;

  @Test
  void theResponseToARegistrationIsWrittenAfterTheWalIsFsynced() throws Exception {
    StoreFaultsIT.assumeTool("strace", "strace");
    Path trace = dir.resolve("trace");
    HttpClient http = HttpClient.newHttpClient();
    try (CairnProcess cairn =
        CairnProcess.start(
            List.of(
                "strace",
                "-f",
                "-y",
                "-qq",
                "-s",
                "24",
                "-e",
                "trace=fsync,fdatasync,pwrite64,write,writev,sendto,sendmsg",
                "-o",
                trace.toString()),
            List.of(
                "server",
                "--data-dir",
                dir.resolve("data").toString(),
                "--http-port",
                "0",
                "--dns-port",
                "0"))) {
      int port = cairn.awaitHttpPort(START);
      cairn.awaitLine(l -> l.contains("cairn ready"), START);
      for (int i = 0; i < ROUNDS; i++) {
        assertThat(send(http, port, "GET", "/v1/status/leader", "")).isEqualTo(200);
        assertThat(
                send(
                    http,
                    port,
                    "PUT",
                    "/v1/agent/service/register",
                    "{\"ID\":\"traced-" + i + "\",\"Name\":\"traced\",\"Port\":1}"))
            .isEqualTo(200);
      }
      assertThat(send(http, port, "GET", "/v1/status/leader", "")).isEqualTo(200);
      // strace does not pass signals on: SIGTERM the server it runs; strace exits after it.
      ProcessHandle.of(cairn.pid()).orElseThrow().children().forEach(ProcessHandle::destroy);
      cairn.awaitExit(START);
    }

    List<String> lines = Files.readAllLines(trace);
    List<Integer> responses = new ArrayList<>();
    for (int i = 0; i < lines.size(); i++) {
      String l = lines.get(i);
      if (l.contains("<socket:") || l.contains("<TCP")) {
        if (l.contains("\"HTTP/1.1 ")) {
          responses.add(i);
        }
      }
    }
    // Start-up may answer nothing else over HTTP: the responses are ours, in order.
    assertThat(responses).as("HTTP responses in the trace").hasSize(2 * ROUNDS + 1);
    for (int round = 0; round < ROUNDS; round++) {
      int readAnswered = responses.get(2 * round);
      int writeAnswered = responses.get(2 * round + 1);
      int lastWalWrite = -1;
      int walSyncAfterIt = -1;
      for (int i = readAnswered + 1; i < writeAnswered; i++) {
        String l = lines.get(i);
        if (!l.contains("cairn.db-wal>")) {
          continue;
        }
        if (l.contains("pwrite64(")) {
          lastWalWrite = i;
          walSyncAfterIt = -1;
        } else if (l.contains("fsync(") || l.contains("fdatasync(")) {
          if (lastWalWrite >= 0 && l.endsWith("= 0")) {
            walSyncAfterIt = i;
          }
        }
      }
      assertThat(lastWalWrite)
          .as("round %d: the registration written to the WAL", round)
          .isNotNegative();
      assertThat(walSyncAfterIt)
          .as("round %d: the WAL fsynced after its last write and before the 200", round)
          .isGreaterThan(lastWalWrite);
    }
    System.err.printf(
        "strace: %d registrations, each answered after its WAL write and fsync (%d trace lines)%n",
        ROUNDS, lines.size());
  }

  private static int send(HttpClient http, int port, String method, String path, String body)
      throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                .method(method, HttpRequest.BodyPublishers.ofString(body))
                .timeout(Duration.ofSeconds(30))
                .build(),
            HttpResponse.BodyHandlers.discarding())
        .statusCode();
  }
}
