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
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The packaged server as an operator runs it: start, refuse a second copy, stop on SIGTERM. */
class ServerProcessIT {
  private static final Duration START = Duration.ofSeconds(30);
  @TempDir Path dataDir;

  @Test
  void startsReadyLocksItsDataDirectoryAndStopsCleanlyOnSigterm() throws Exception {
    try (CairnProcess cairn = CairnProcess.server(dataDir, "--log-format", "json")) {
      String ready = cairn.awaitLine(l -> l.contains("cairn ready"), START);
      JsonNode json = new ObjectMapper().readTree(ready);
      assertThat(json.path("level").asText()).isEqualTo("INFO");
      assertThat(json.toString()).contains("startup-ms");
      String http = json.path("kvpList").findValue("http").asText();
      HttpResponse<String> leader =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://" + http + "/v1/status/leader"))
                      .build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(leader.statusCode()).as("the admin API answers").isEqualTo(200);
      assertThat(cairn.output()).as("xDS is served too").contains("xDS listening");
      HttpResponse<String> proxies =
          HttpClient.newHttpClient()
              .send(
                  HttpRequest.newBuilder(URI.create("http://" + http + "/v1/xds/proxies")).build(),
                  HttpResponse.BodyHandlers.ofString());
      assertThat(proxies.body()).as("no xDS client connected yet").isEqualTo("[]");
      // What Nomad and `consul connect envoy` read: a Consul version, the xDS port, Connect on.
      JsonNode self =
          new ObjectMapper()
              .readTree(
                  HttpClient.newHttpClient()
                      .send(
                          HttpRequest.newBuilder(URI.create("http://" + http + "/v1/agent/self"))
                              .build(),
                          HttpResponse.BodyHandlers.ofString())
                      .body());
      assertThat(self.at("/Config/Version").asText()).isEqualTo("1.17.0");
      assertThat(self.at("/Config/Revision").asText()).startsWith("cairn ");
      assertThat(self.at("/DebugConfig/ConnectEnabled").asBoolean()).isTrue();
      int xdsPort = self.at("/xDS/Ports/Plaintext").asInt();
      assertThat(self.at("/DebugConfig/GRPCPort").asInt()).isEqualTo(xdsPort);
      assertThat(self.at("/xDS/Ports/TLS").asInt()).isEqualTo(-1);
      String xdsLine =
          cairn.output().lines().filter(l -> l.contains("xDS listening")).findFirst().orElseThrow();
      assertThat(new ObjectMapper().readTree(xdsLine).path("kvpList").findValue("port").asInt())
          .as("the port xDS listens on")
          .isEqualTo(xdsPort);

      try (CairnProcess second = CairnProcess.server(dataDir)) {
        assertThat(second.awaitExit(START)).isEqualTo(1);
        assertThat(second.output())
            .contains("is in use by another Cairn process (pid " + cairn.pid() + ")");
      }

      int exit = cairn.terminate(Duration.ofSeconds(20));
      assertThat(exit).as("exit status after SIGTERM").isEqualTo(143);
      assertThat(cairn.output()).contains("registry closed").contains("\"stopped\"");
    }

    // The lock went with the process: a new one starts on the same directory.
    try (CairnProcess again = CairnProcess.server(dataDir)) {
      again.awaitLine(l -> l.contains("cairn ready"), START);
      assertThat(again.terminate(Duration.ofSeconds(20))).isEqualTo(143);
    }
  }

  @Test
  void badSettingsAreListedAndExitWithStatus2() throws Exception {
    try (CairnProcess cairn =
        CairnProcess.start(List.of("server", "--log-level", "loud", "--data-dri", "x"))) {
      assertThat(cairn.awaitExit(START)).isEqualTo(2);
      assertThat(cairn.output())
          .contains("invalid settings")
          .contains("unknown flag --data-dri")
          .contains("log.level: 'loud'");
    }
  }

  @Test
  void helpListsEverySettingWithFlagAndEnvironmentVariable() throws Exception {
    try (CairnProcess cairn = CairnProcess.start(List.of("server", "--help"))) {
      assertThat(cairn.awaitExit(START)).isZero();
      assertThat(cairn.output())
          .contains("--data-dir")
          .contains("CAIRN_DATA_DIR")
          .contains("--config");
    }
  }
}
