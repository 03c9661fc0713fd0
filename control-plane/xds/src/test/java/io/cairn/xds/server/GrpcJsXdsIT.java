package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.SetMaintenance;
import io.cairn.registry.config.HttpRouteMatch;
import io.cairn.registry.config.PassiveHealthCheck;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.Route;
import io.cairn.registry.config.RouteDestination;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceRouter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.UpstreamConfig;
import io.cairn.registry.config.UpstreamSettings;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.grpc.Grpc;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import io.grpc.stub.ServerCalls;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * A second, independently written xDS client: {@code @grpc/grpc-js-xds} run by Node resolves Cairn
 * services and calls their real backends, in two released versions: the current one ({@code
 * src/test/node}) and an older one still in use ({@code src/test/node-1.10}, grpc-js-xds 1.10.1).
 * Both run the same script, {@code src/test/node/client.js}. Dependencies come from each
 * directory's committed lock file ({@code npm ci}, run here when {@code node_modules} is missing).
 * Skipped only when Node is not installed.
 */
class GrpcJsXdsIT {
  private static final Path SCRIPT = Path.of("src/test/node/client.js").toAbsolutePath();

  @TempDir Path dir;
  private Registry registry;
  private XdsServer xds;
  private final List<AutoCloseable> backends = new ArrayList<>();
  // Every NACK a client sent, as "type: message": any is a Cairn bug.
  private final List<String> nacks = new CopyOnWriteArrayList<>();

  @BeforeEach
  void start() {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    xds =
        CheckedXds.start(
            XdsSettings.loopback(0),
            Core.of(registry, new SimpleMeterRegistry()),
            Optional.empty());
  }

  @AfterEach
  void stop() throws Exception {
    assertThat(nacks).as("resources the client rejected").isEmpty();
    for (AutoCloseable b : backends) {
      b.close();
    }
    xds.close();
    registry.close();
  }

  @ParameterizedTest
  @ValueSource(strings = {"node", "node-1.10"})
  void grpcJsResolvesACairnServiceAndReachesEveryInstance(String client) throws Exception {
    Path clientDir = install(client);
    register("echo", "a", "v1", backend("a").port());
    register("echo", "b", "v2", backend("b").port());

    Map<String, Integer> counts = replies(run(clientDir, "echo", 40));
    assertThat(counts.keySet()).containsExactly("a", "b");
    assertThat(counts.values().stream().mapToInt(Integer::intValue).sum()).isEqualTo(40);
  }

  @ParameterizedTest
  @ValueSource(strings = {"node", "node-1.10"})
  void aNinetyTenSplitterSplitsCallsRoughlyByWeight(String client) throws Exception {
    Path clientDir = install(client);
    register("echo", "a", "v1", backend("a").port());
    register("echo", "b", "v2", backend("b").port());
    registry.apply(PutConfigEntry.of(new ServiceDefaults("echo", Protocol.GRPC, Map.of())));
    registry.apply(MeshConfig.versionSubsets("echo"));
    registry.apply(MeshConfig.canary("echo", 90));

    Map<String, Integer> counts = replies(run(clientDir, "echo", 400));
    System.out.printf("GrpcJsXdsIT %s: a 90/10 split over 400 calls went %s%n", client, counts);
    assertThat(counts.getOrDefault("a", 0) + counts.getOrDefault("b", 0)).isEqualTo(400);
    // 10% of 400 is 40; generous bounds for a loaded machine and the first calls' picks.
    assertThat(counts.getOrDefault("b", 0)).as(counts.toString()).isBetween(8, 100);
  }

  @ParameterizedTest
  @ValueSource(strings = {"node", "node-1.10"})
  void aRouterRetryPolicyRetriesUnavailableCallsOnAFailingBackend(String client) throws Exception {
    Path clientDir = install(client);
    FirstAttemptFails flaky = new FirstAttemptFails("flaky");
    backends.add(flaky);
    register("flaky", "f", "v1", flaky.port());
    registry.apply(PutConfigEntry.of(new ServiceDefaults("flaky", Protocol.GRPC, Map.of())));
    // Consul's fields: 3 retries on HTTP 503, which a gRPC client sees as UNAVAILABLE.
    registry.apply(
        PutConfigEntry.of(
            new ServiceRouter(
                "flaky",
                List.of(
                    new Route(
                        HttpRouteMatch.pathPrefix("/demo.Who/"),
                        new RouteDestination(
                            new ServiceTarget("", ""),
                            "",
                            Optional.empty(),
                            3,
                            false,
                            List.of(503),
                            List.of()))),
                Map.of())));

    Map<String, Integer> counts = replies(run(clientDir, "flaky", 20));
    assertThat(counts).isEqualTo(Map.of("flaky", 20));
    assertThat(flaky.refused()).as("first attempts refused").isEqualTo(20);
    assertThat(flaky.answered()).as("retries answered").isEqualTo(20);
  }

  private Backend backend(String name) throws IOException {
    Backend b = new Backend(name);
    backends.add(b);
    return b;
  }

  private void register(String service, String id, String version, int port) {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(service + "-" + id, service)
                .address("127.0.0.1")
                .port(port)
                .meta(Map.of("version", version))
                .build()));
  }

  /** The client directory, its dependencies installed; skips the test when Node is missing. */
  private static Path install(String client) throws Exception {
    Assumptions.assumeTrue(
        run(List.of("node", "--version"), Path.of("."), Map.of(), 30).exit() == 0,
        "node is not installed (Debian: apt-get install -y nodejs npm)");
    Path clientDir = Path.of("src/test").resolve(client);
    if (!Files.isDirectory(clientDir.resolve("node_modules/@grpc/grpc-js-xds"))) {
      Result install =
          run(List.of("npm", "ci", "--no-audit", "--no-fund"), clientDir, Map.of(), 300);
      assertThat(install.exit()).as("npm ci in " + clientDir + ": " + install.output()).isZero();
    }
    return clientDir;
  }

  /** Runs the client script from {@code clientDir} (so it loads that directory's packages). */
  private Result run(Path clientDir, String service, int calls) throws Exception {
    return run(clientDir, "", service, calls);
  }

  /**
   * @param cluster the bootstrap's {@code node.cluster}: the service the client calls as (its
   *     UpstreamConfig applies), or empty
   * @param options more of the script's options ({@code --keep-going}, {@code --pause-ms N})
   */
  private Result run(Path clientDir, String cluster, String service, int calls, String... options)
      throws Exception {
    String bootstrap =
        """
        {"xds_servers":[{"server_uri":"127.0.0.1:%d","channel_creds":[{"type":"insecure"}],
          "server_features":["xds_v3"]}],
         "node":{"id":"grpc-js-test","cluster":"%s","locality":{"zone":"z"}}}"""
            .formatted(xds.port(), cluster);
    List<String> command =
        new ArrayList<>(List.of("node", SCRIPT.toString(), service, String.valueOf(calls)));
    command.addAll(List.of(options));
    Result result = run(command, clientDir, Map.of("GRPC_XDS_BOOTSTRAP_CONFIG", bootstrap), 120);
    assertThat(result.exit()).as(clientDir + ": " + result.output()).isZero();
    return result;
  }

  private static Map<String, Integer> replies(Result result) {
    Map<String, Integer> counts = new TreeMap<>();
    result
        .output()
        .lines()
        .filter(l -> !l.isBlank() && !l.startsWith("(node:"))
        .forEach(l -> counts.merge(l, 1, Integer::sum));
    return counts;
  }

  @ParameterizedTest
  @ValueSource(strings = {"node", "node-1.10"})
  void grpcJsFailsOverThroughAnAggregateClusterWhileThePrimaryIsInMaintenance(String client)
      throws Exception {
    Path clientDir = install(client);
    register("echo", "1", "v1", backend("primary").port());
    register("echob", "1", "v1", backend("standby").port());
    registry.apply(SetMaintenance.enable("echo-1", "drain"));
    registry.apply(
        PutConfigEntry.of(
            ServiceResolver.builder("echo")
                .failover(Map.of("*", List.of(new ServiceTarget("echob", ""))))
                .build()));

    assertThat(replies(run(clientDir, "echo", 20))).isEqualTo(Map.of("standby", 20));
  }

  @ParameterizedTest
  @ValueSource(strings = {"node", "node-1.10"})
  void grpcJsFollowsAResolverRedirectToAnotherService(String client) throws Exception {
    Path clientDir = install(client);
    register("old", "1", "v1", backend("old").port());
    register("new", "1", "v1", backend("new").port());
    registry.apply(
        PutConfigEntry.of(
            ServiceResolver.builder("old")
                .redirect(Optional.of(new ServiceTarget("new", "")))
                .build()));

    assertThat(replies(run(clientDir, "old", 20))).isEqualTo(Map.of("new", 20));
  }

  @ParameterizedTest
  @ValueSource(strings = {"node", "node-1.10"})
  void grpcJsEjectsAFailingEndpointByWebsPassiveHealthCheck(String client) throws Exception {
    Path clientDir = install(client);
    register("eject", "good", "v1", backend("good").port());
    register("eject", "bad", "v1", failing().getPort());
    // The client calls as "web", whose UpstreamConfig ejects failing endpoints of "eject".
    registry.apply(
        PutConfigEntry.of(
            new ServiceDefaults(
                "web",
                Protocol.GRPC,
                new UpstreamConfig(
                    UpstreamSettings.NONE,
                    Map.of(
                        "eject",
                        new UpstreamSettings(
                            Optional.empty(),
                            Optional.empty(),
                            Optional.of(
                                new PassiveHealthCheck(
                                    Optional.of(Duration.ofSeconds(1)),
                                    Optional.of(3),
                                    Optional.empty(),
                                    Optional.empty(),
                                    Optional.of(Duration.ofMinutes(5))))))),
                Map.of())));

    // 200 calls 20 ms apart span several 1 s intervals: the bad endpoint fails every call it
    // gets until an interval ejects it, and then gets none.
    Result result = run(clientDir, "web", "eject", 200, "--keep-going", "--pause-ms", "20");
    List<String> outcomes =
        result.output().lines().filter(l -> !l.isBlank() && !l.startsWith("(node:")).toList();
    System.out.printf(
        "GrpcJsXdsIT %s: outlier detection, 200 calls: %s%n", client, replies(result));
    assertThat(outcomes).hasSize(200);
    assertThat(outcomes)
        .as("the bad endpoint was reached before it was ejected")
        .anyMatch(l -> l.startsWith("error"));
    assertThat(outcomes.subList(100, 200))
        .as("after ejection, every call reaches the good endpoint")
        .containsOnly("good");
  }

  /** A backend that fails every call with UNAVAILABLE. */
  private Server failing() throws IOException {
    Server server =
        Grpc.newServerBuilderForPort(0, InsecureServerCredentials.create())
            .addService(
                ServerServiceDefinition.builder("demo.Who")
                    .addMethod(
                        Backend.WHO,
                        ServerCalls.asyncUnaryCall(
                            (request, response) ->
                                response.onError(
                                    Status.UNAVAILABLE
                                        .withDescription("bad backend")
                                        .asRuntimeException())))
                    .build())
            .build()
            .start();
    backends.add(() -> server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS));
    return server;
  }

  private record Result(int exit, String output) {}

  private static Result run(List<String> command, Path directory, Map<String, String> env, int s)
      throws InterruptedException {
    try {
      ProcessBuilder pb =
          new ProcessBuilder(command).directory(directory.toFile()).redirectErrorStream(true);
      pb.environment().putAll(env);
      Process p = pb.start();
      byte[] out = p.getInputStream().readAllBytes();
      if (!p.waitFor(s, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out");
      }
      return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
    } catch (IOException e) {
      return new Result(-1, e.getMessage());
    }
  }
}
