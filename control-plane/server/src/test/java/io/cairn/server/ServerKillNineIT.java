package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server, killed with SIGKILL while 16 HTTP clients register instances: every
 * registration that got its 200 must be there after a restart, and the index must not go back.
 */
class ServerKillNineIT {
  private static final Duration START = Duration.ofSeconds(30);
  private static final int CLIENTS = 16;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();
  private final ObjectMapper mapper = new ObjectMapper();

  @TempDir Path dataDir;

  private CairnProcess start() throws Exception {
    return CairnProcess.server(dataDir);
  }

  @Test
  void acknowledgedRegistrationsSurviveSigkillOfTheServer() throws Exception {
    Map<String, Boolean> acknowledged = new ConcurrentHashMap<>();
    long indexBefore;
    try (CairnProcess cairn = start()) {
      int port = cairn.awaitHttpPort(START);
      AtomicBoolean stop = new AtomicBoolean();
      List<Thread> clients = new ArrayList<>();
      for (int c = 0; c < CLIENTS; c++) {
        int client = c;
        clients.add(
            Thread.ofVirtual()
                .start(
                    () -> {
                      for (int i = 0; !stop.get(); i++) {
                        String id = "c" + client + "-" + i;
                        if (register(port, id)) {
                          acknowledged.put(id, true);
                        }
                      }
                    }));
      }
      while (acknowledged.size() < 1500) {
        Thread.sleep(20);
      }
      indexBefore = catalogIndex(port);
      assertThat(cairn.kill(Duration.ofSeconds(20))).isEqualTo(137);
      stop.set(true);
      for (Thread t : clients) {
        t.join();
      }
    }

    try (CairnProcess again = start()) {
      int port = again.awaitHttpPort(START);
      JsonNode services = get(port, "/v1/agent/services");
      for (String id : acknowledged.keySet()) {
        assertThat(services.has(id)).as("acknowledged registration " + id).isTrue();
      }
      assertThat(catalogIndex(port)).isGreaterThanOrEqualTo(indexBefore);
      System.err.printf(
          "server kill -9: %d acknowledged registrations all present after restart (%d stored)%n",
          acknowledged.size(), services.size());
      again.terminate(Duration.ofSeconds(20));
    }
  }

  private boolean register(int port, String id) {
    String body =
        "{\"ID\":\"%s\",\"Name\":\"svc\",\"Address\":\"10.0.0.1\",\"Port\":80}".formatted(id);
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + port + "/v1/agent/service/register"))
                  .timeout(Duration.ofSeconds(10))
                  .PUT(HttpRequest.BodyPublishers.ofString(body))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200;
    } catch (Exception e) {
      return false; // The server died mid-request: not acknowledged.
    }
  }

  private long catalogIndex(int port) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/v1/catalog/services"))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    return Long.parseLong(r.headers().firstValue("X-Consul-Index").orElseThrow());
  }

  private JsonNode get(int port, String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    return mapper.readTree(r.body());
  }
}
