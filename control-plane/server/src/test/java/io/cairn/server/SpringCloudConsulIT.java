package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.File;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * An unchanged Spring Boot 4 application with Spring Cloud Consul config and discovery
 * (envoy-examples/spring-consul) against Cairn: it reads its property from Cairn's KV at start-up,
 * follows a change through its watch, registers itself with its actuator health check, which Cairn
 * probes, and finds itself and a second instance through Cairn's catalog.
 */
class SpringCloudConsulIT {
  private static final Duration WAIT = Duration.ofSeconds(90);
  private static final ObjectMapper JSON = new ObjectMapper();

  @TempDir Path dataDir;
  // Kept after the run, for whoever reads a failure.
  private final Path logs = Path.of("target", "spring-consul-logs");
  private final HttpClient http = HttpClient.newHttpClient();

  @Test
  void springCloudConsulReadsConfigFollowsChangesRegistersAndDiscovers() throws Exception {
    Path jar = buildApp();
    List<Process> apps = new ArrayList<>();
    try (CairnProcess cairn = CairnProcess.server(dataDir)) {
      int consul = cairn.awaitHttpPort(Duration.ofSeconds(30));
      String base = "http://127.0.0.1:" + consul;
      put(base + "/v1/kv/config/demo/greeting", "hello from cairn");

      int first = freePort();
      apps.add(startApp(jar, consul, first, "first"));
      String app = "http://127.0.0.1:" + first;
      // Config from KV at start-up (fail-fast is on: no KV, no start).
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> get(app + "/greeting").equals("hello from cairn"));

      // Registered with its actuator health check, which Cairn runs and finds passing.
      await()
          .atMost(WAIT)
          .until(() -> JSON.readTree(get(base + "/v1/health/service/demo?passing")).size() == 1);
      JsonNode entry = JSON.readTree(get(base + "/v1/health/service/demo")).get(0);
      assertThat(entry.get("Service").get("Port").asInt()).isEqualTo(first);
      assertThat(entry.get("Checks").findValuesAsText("Output"))
          .anySatisfy(o -> assertThat(o).contains("/actuator/health").contains("200"));

      // The watch (blocking queries on config/) brings a change in without a restart. Spring
      // drops refresh events that come before the application is ready, so the change waits
      // for that.
      await()
          .atMost(WAIT)
          .until(
              () ->
                  Files.readString(logs.resolve("first.log")).contains("Started DemoApplication"));
      put(base + "/v1/kv/config/demo/greeting", "changed in cairn");
      await()
          .atMost(WAIT)
          .untilAsserted(() -> assertThat(get(app + "/greeting")).isEqualTo("changed in cairn"));

      // A second instance, then each finds the service through Cairn and calls it.
      int second = freePort();
      apps.add(startApp(jar, consul, second, "second"));
      await()
          .atMost(WAIT)
          .until(() -> JSON.readTree(get(base + "/v1/health/service/demo?passing")).size() == 2);
      await()
          .atMost(WAIT)
          .ignoreExceptions()
          .until(() -> get("http://127.0.0.1:" + second + "/call/demo").equals("changed in cairn"));
    } finally {
      for (Process p : apps) {
        p.destroy();
        if (!p.waitFor(20, TimeUnit.SECONDS)) {
          p.destroyForcibly();
        }
      }
    }
  }

  /** Builds the Spring application with the repository's Maven Wrapper, as a user would. */
  private Path buildApp() throws Exception {
    Files.createDirectories(logs);
    Path root = Path.of(System.getProperty("cairn.repo.root"));
    Path project = root.resolve("envoy-examples/spring-consul");
    Path log = logs.resolve("build.log");
    ProcessBuilder pb =
        new ProcessBuilder(
                root.resolve("mvnw").toString(),
                "-B",
                "-q",
                "-f",
                project.resolve("pom.xml").toString(),
                "package",
                "-DskipTests")
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile());
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    Process build = pb.start();
    assertThat(build.waitFor(10, TimeUnit.MINUTES)).as("the build finished").isTrue();
    assertThat(build.exitValue()).as(Files.readString(log)).isZero();
    return project.resolve("target/spring-consul-demo.jar");
  }

  private Process startApp(Path jar, int consulPort, int port, String name) throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    File log = logs.resolve(name + ".log").toFile();
    return new ProcessBuilder(
            java,
            "-jar",
            jar.toString(),
            "--server.port=" + port,
            "--spring.cloud.consul.host=127.0.0.1",
            "--spring.cloud.consul.port=" + consulPort)
        .redirectErrorStream(true)
        .redirectOutput(log)
        .start();
  }

  private static int freePort() throws Exception {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private String get(String url) throws Exception {
    return http.send(
            HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
            HttpResponse.BodyHandlers.ofString())
        .body();
  }

  private void put(String url, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }
}
