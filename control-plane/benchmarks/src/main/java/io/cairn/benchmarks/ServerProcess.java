package io.cairn.benchmarks;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** The packaged server ({@code control-plane/server/target/cairn.jar}) run as its own process. */
final class ServerProcess {
  /** What the server logs once its admin API is bound. */
  static final Pattern HTTP_PORT = Pattern.compile("admin API listening.*port=\"?(\\d+)");

  /** What the server logs once its DNS sockets are bound. */
  static final Pattern DNS_PORT = Pattern.compile("DNS listening.*udp-port=\"?(\\d+)");

  private ServerProcess() {}

  /** The server jar next to this benchmark jar in the source tree. */
  static Path defaultServerJar() {
    try {
      Path self =
          Path.of(ServerProcess.class.getProtectionDomain().getCodeSource().getLocation().toURI());
      // control-plane/benchmarks/target/cairn-benchmarks.jar -> control-plane/server/target
      return self.getParent()
          .getParent()
          .getParent()
          .resolve("server")
          .resolve("target")
          .resolve("cairn.jar");
    } catch (Exception e) {
      return Path.of("control-plane/server/target/cairn.jar");
    }
  }

  /**
   * Starts {@code java -jar cairn.jar server} with loopback admin API and DNS on free ports, its
   * output going to {@code log}, with the JVM options {@code bin/cairn} uses plus {@code
   * jvmOptions}.
   */
  static Process start(
      Path jar, Path data, Path log, List<String> jvmOptions, List<String> serverOptions)
      throws IOException {
    String java = ProcessHandle.current().info().command().orElse("java");
    // The JVM options bin/cairn runs the server with, then any given for this run.
    List<String> command =
        new ArrayList<>(
            List.of(java, "--enable-native-access=ALL-UNNAMED", "-XX:MaxGCPauseMillis=20"));
    command.addAll(jvmOptions);
    command.addAll(
        List.of(
            "-jar",
            jar.toString(),
            "server",
            "--data-dir",
            data.toString(),
            "--http-port",
            "0",
            "--http-address",
            "127.0.0.1",
            "--dns-port",
            "0"));
    command.addAll(serverOptions);
    ProcessBuilder pb =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(Path.of("/dev/null").toFile()));
    pb.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
    return pb.start();
  }

  /** The number in group 1 of the first log line matching {@code pattern}, once logged. */
  static int awaitLogged(Process server, Path log, Pattern pattern, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (Files.exists(log)) {
        Matcher m = pattern.matcher(Files.readString(log));
        if (m.find()) {
          return Integer.parseInt(m.group(1));
        }
      }
      if (!server.isAlive()) {
        throw new IllegalStateException(
            "cairn exited with " + server.exitValue() + ":\n" + Host.tail(log, 30));
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(
        "cairn did not log " + pattern + " in " + timeout + ":\n" + Host.tail(log, 30));
  }

  /** Waits until {@code GET /health} answers 200. */
  static void awaitHealthy(HttpClient http, String base, Process server, Path log, Duration timeout)
      throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      try {
        HttpResponse<Void> r =
            http.send(
                HttpRequest.newBuilder(URI.create(base + "/health"))
                    .timeout(Duration.ofSeconds(2))
                    .build(),
                HttpResponse.BodyHandlers.discarding());
        if (r.statusCode() == 200) {
          return;
        }
      } catch (IOException e) {
        // not yet
      }
      if (!server.isAlive()) {
        throw new IllegalStateException("cairn exited:\n" + Host.tail(log, 30));
      }
      Thread.sleep(100);
    }
    throw new IllegalStateException("GET /health not 200 within " + timeout);
  }
}
