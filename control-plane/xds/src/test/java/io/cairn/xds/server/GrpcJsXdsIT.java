package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.SetMaintenance;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A second, independently written xDS client: {@code @grpc/grpc-js-xds} run by Node resolves a
 * Cairn service and calls its real backends. Dependencies come from the committed lock file ({@code
 * npm ci}, run here when {@code node_modules} is missing).
 */
class GrpcJsXdsIT {
  private static final Path CLIENT = Path.of("src/test/node");

  @TempDir Path dir;

  @Test
  void grpcJsResolvesACairnServiceAndReachesEveryInstance() throws Exception {
    Assumptions.assumeTrue(
        run(List.of("node", "--version"), Map.of(), 30).exit() == 0,
        "node is not installed (Debian: apt-get install -y nodejs npm)");
    if (!Files.isDirectory(CLIENT.resolve("node_modules/@grpc/grpc-js-xds"))) {
      Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300);
      assertThat(install.exit()).as("npm ci: " + install.output()).isZero();
    }
    try (Registry registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
        XdsServer xds =
            XdsServer.start(
                XdsSettings.loopback(0),
                Core.of(registry, new SimpleMeterRegistry()),
                Optional.empty());
        Backend a = new Backend("a");
        Backend b = new Backend("b")) {
      for (Backend backend : List.of(a, b)) {
        registry.apply(
            RegisterInstance.of(
                ServiceInstance.builder("echo-" + backend.port(), "echo")
                    .address("127.0.0.1")
                    .port(backend.port())
                    .build()));
      }
      String bootstrap =
          """
          {"xds_servers":[{"server_uri":"127.0.0.1:%d","channel_creds":[{"type":"insecure"}],
            "server_features":["xds_v3"]}],
           "node":{"id":"grpc-js-test","locality":{"zone":"z"}}}"""
              .formatted(xds.port());
      Result client =
          run(
              List.of("node", "client.js", "echo", "40"),
              Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", bootstrap),
              60);
      assertThat(client.exit()).as(client.output()).isZero();
      Map<String, Integer> counts = new TreeMap<>();
      client
          .output()
          .lines()
          .filter(l -> l.equals("a") || l.equals("b"))
          .forEach(l -> counts.merge(l, 1, Integer::sum));
      assertThat(counts.keySet()).as(client.output()).containsExactly("a", "b");
      assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
    }
  }

  @Test
  void grpcJsFailsOverThroughAnAggregateClusterWhileThePrimaryIsInMaintenance() throws Exception {
    Assumptions.assumeTrue(
        run(List.of("node", "--version"), Map.of(), 30).exit() == 0,
        "node is not installed (Debian: apt-get install -y nodejs npm)");
    if (!Files.isDirectory(CLIENT.resolve("node_modules/@grpc/grpc-js-xds"))) {
      Result install = run(List.of("npm", "ci", "--no-audit", "--no-fund"), Map.of(), 300);
      assertThat(install.exit()).as("npm ci: " + install.output()).isZero();
    }
    try (Registry registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
        XdsServer xds =
            XdsServer.start(
                XdsSettings.loopback(0),
                Core.of(registry, new SimpleMeterRegistry()),
                Optional.empty());
        Backend primary = new Backend("primary");
        Backend standby = new Backend("standby")) {
      registry.apply(
          RegisterInstance.of(
              ServiceInstance.builder("echo-1", "echo")
                  .address("127.0.0.1")
                  .port(primary.port())
                  .build()));
      registry.apply(
          RegisterInstance.of(
              ServiceInstance.builder("echob-1", "echob")
                  .address("127.0.0.1")
                  .port(standby.port())
                  .build()));
      registry.apply(SetMaintenance.enable("echo-1", "drain"));
      registry.apply(
          PutConfigEntry.of(
              new ServiceResolver(
                  "echo",
                  Optional.empty(),
                  Map.of(),
                  Optional.empty(),
                  Map.of("*", List.of(new ServiceTarget("echob", ""))),
                  Optional.empty(),
                  Optional.empty(),
                  Map.of())));
      String bootstrap =
          """
          {"xds_servers":[{"server_uri":"127.0.0.1:%d","channel_creds":[{"type":"insecure"}],
            "server_features":["xds_v3"]}],
           "node":{"id":"grpc-js-failover","locality":{"zone":"z"}}}"""
              .formatted(xds.port());

      Result client =
          run(
              List.of("node", "client.js", "echo", "20"),
              Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", bootstrap),
              60);

      assertThat(client.exit()).as(client.output()).isZero();
      assertThat(client.output().lines().filter(l -> l.equals("standby")).count())
          .as(client.output())
          .isEqualTo(20);
    }
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, Map<String, String> env, int seconds)
      throws IOException, InterruptedException {
    ProcessBuilder pb;
    try {
      pb = new ProcessBuilder(command).directory(CLIENT.toFile()).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(seconds, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    }
  }
}
