package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.sun.net.httpserver.HttpServer;
import io.cairn.ca.MeshCa;
import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.config.IntentionSource;
import io.cairn.registry.config.Protocol;
import io.cairn.registry.config.ServiceDefaults;
import io.cairn.registry.config.ServiceIntentions;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.Upstream;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.cairn.xds.translate.SecretTranslator;
import io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.testcontainers.containers.GenericContainer;
import org.testcontainers.containers.wait.strategy.Wait;
import org.testcontainers.images.builder.Transferable;
import org.testcontainers.junit.jupiter.Testcontainers;
import org.testcontainers.utility.DockerImageName;

/**
 * Real Envoy (the API version java-control-plane 1.0.49 speaks) started from the bootstrap files in
 * {@code envoy-examples/}, configured by Cairn: a front proxy splitting 90/10 and a sidecar whose
 * inbound listener takes mutual TLS with a mesh leaf and whose RBAC follows intentions. Needs
 * Docker; skipped without it. The same behaviour is covered without Docker by {@link SidecarXdsIT}
 * (contents over ADS) and {@link ProxylessGrpcIT} (traffic).
 */
@Testcontainers(disabledWithoutDocker = true)
class EnvoyContainerIT {
  private static final DockerImageName ENVOY =
      DockerImageName.parse("envoyproxy/envoy:v1.34-latest");
  private static final Path EXAMPLES = Path.of("../../envoy-examples");

  @TempDir Path dir;
  private Registry registry;
  private MeshCa mesh;
  private XdsServer xds;
  private final List<HttpServer> apps = new ArrayList<>();
  private final List<GenericContainer<?>> envoys = new ArrayList<>();
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeEach
  void start() {
    registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
    mesh = MeshCa.start(registry, "dc1", Clock.systemUTC());
    xds =
        CheckedXds.start(
            XdsSettings.loopback(0),
            Core.of(registry, new SimpleMeterRegistry()),
            mesh,
            Optional.empty(),
            List.of());
  }

  @AfterEach
  void stop() {
    envoys.forEach(GenericContainer::stop);
    apps.forEach(a -> a.stop(0));
    xds.close();
    mesh.close();
    registry.close();
  }

  private int app(String body) throws IOException {
    HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext(
        "/",
        exchange -> {
          byte[] bytes = body.getBytes(StandardCharsets.UTF_8);
          exchange.sendResponseHeaders(200, bytes.length);
          exchange.getResponseBody().write(bytes);
          exchange.close();
        });
    server.start();
    apps.add(server);
    return server.getAddress().getPort();
  }

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  /** Envoy on the host's network, from an example bootstrap with this test's ports. */
  private void envoy(String example, int baseId) throws IOException {
    String bootstrap =
        Files.readString(EXAMPLES.resolve(example))
            .replace("port_value: 18000", "port_value: " + xds.port())
            .replaceAll("port_value: 1900\\d", "port_value: " + freePort());
    GenericContainer<?> envoy =
        new GenericContainer<>(ENVOY)
            .withNetworkMode("host")
            .withCopyToContainer(Transferable.of(bootstrap), "/etc/cairn/envoy.yaml")
            .withCommand(
                "envoy", "-c", "/etc/cairn/envoy.yaml", "--base-id", Integer.toString(baseId))
            .waitingFor(Wait.forLogMessage(".*starting main dispatch loop.*", 1));
    envoy.start();
    envoys.add(envoy);
  }

  private HttpResponse<String> get(int port) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
            .timeout(Duration.ofSeconds(5))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /**
   * GET / over mutual TLS as a sidecar of {@code service} would connect: its leaf, the CA's roots;
   * the status code and body.
   */
  private String[] getAs(String service, int port) throws Exception {
    Secret leaf = SecretTranslator.leaf(mesh.leaves().leaf(service).leaf());
    Secret roots = SecretTranslator.roots(registry.snapshot().ca().orElseThrow().value());
    SSLContext context = MeshTlsHandshake.context(leaf, roots);
    try (SSLSocket s = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              "GET / HTTP/1.1\r\nHost: web\r\nConnection: close\r\n\r\n"
                  .getBytes(StandardCharsets.US_ASCII));
      String response = new String(s.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
      return new String[] {
        response.split(" ", 3)[1], response.substring(response.indexOf("\r\n\r\n") + 4)
      };
    }
  }

  @Test
  void theFrontProxySplitsNinetyTen() throws Exception {
    for (String v : List.of("v1", "v2")) {
      registry.apply(
          RegisterInstance.of(
              ServiceInstance.builder("api-" + v, "api")
                  .address("127.0.0.1")
                  .port(app(v))
                  .meta(Map.of("version", v))
                  .build()));
    }
    registry.apply(PutConfigEntry.of(new ServiceDefaults("api", Protocol.HTTP, Map.of())));
    registry.apply(MeshConfig.versionSubsets("api"));
    registry.apply(MeshConfig.canary("api", 90));
    int listen = freePort();
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("front-proxy-1", "front-proxy")
                .address("127.0.0.1")
                .port(freePort())
                .kind(
                    new ConnectProxy(
                        "front-proxy",
                        Optional.empty(),
                        "127.0.0.1",
                        0,
                        List.of(new Upstream("api", "127.0.0.1", listen))))
                .build()));
    envoy("front-proxy.yaml", 11);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> get(listen).statusCode() == 200);
    Map<String, Integer> counts = new TreeMap<>();
    for (int i = 0; i < 1000; i++) {
      counts.merge(get(listen).body(), 1, Integer::sum);
    }
    assertThat(counts.get("v2")).as(counts.toString()).isBetween(60, 140);
  }

  // RBAC knows a peer by its client certificate's SPIFFE ID, so this needs the inbound listener's
  // mTLS and a client holding a leaf of the mesh CA; a peer without one matches no intention.
  @Test
  void theSidecarsInboundListenerFollowsIntentions() throws Exception {
    int web = app("web");
    int inbound = freePort();
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("web-1", "web").address("127.0.0.1").port(web).build()));
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("web-1-sidecar-proxy", "web-sidecar-proxy")
                .address("127.0.0.1")
                .port(inbound)
                .kind(new ConnectProxy("web", Optional.of("web-1"), "127.0.0.1", web, List.of()))
                .build()));
    registry.apply(PutConfigEntry.of(new ServiceDefaults("web", Protocol.HTTP, Map.of())));
    intention(IntentionAction.DENY);
    envoy("sidecar.yaml", 12);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(30))
        .until(() -> getAs("api", inbound)[0].equals("403"));
    intention(IntentionAction.ALLOW);
    await()
        .ignoreExceptions()
        .atMost(Duration.ofSeconds(10))
        .until(() -> getAs("api", inbound)[1].equals("web"));
    // Without a client certificate the handshake fails: nothing reaches RBAC or the application.
    assertThatThrownBy(() -> get(inbound)).isInstanceOf(IOException.class);
  }

  private void intention(IntentionAction action) {
    registry.apply(
        PutConfigEntry.of(
            new ServiceIntentions("web", List.of(IntentionSource.of("*", action)), Map.of())));
  }
}
