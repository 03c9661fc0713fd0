package io.cairn.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.admin.agent.TtlReports;
import io.cairn.admin.consul.NodeIdentity;
import io.cairn.admin.http.HttpLimits;
import io.cairn.admin.xds.ConnectedProxies;
import io.cairn.ca.MeshCa;
import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.acl.AclSettings;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.helidon.webserver.WebServer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Comparator;
import java.util.Optional;

/**
 * The admin API over a real socket for tests: a SQLite-backed registry in a temporary directory,
 * the production routing on a free port, and a JDK HTTP client.
 */
public final class AdminServer implements AutoCloseable {
  public static final NodeIdentity NODE =
      new NodeIdentity(
          "cairn-test", "127.0.0.1", "dc1", java.util.Map.of("consul-network-segment", ""));

  private final Path dir;
  private final Registry registry;
  private final WebServer server;
  private final HttpClient client =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final ObjectMapper mapper = new ObjectMapper();

  private final SimpleMeterRegistry meters;

  private AdminServer(Path dir, Registry registry, WebServer server, SimpleMeterRegistry meters) {
    this.dir = dir;
    this.registry = registry;
    this.server = server;
    this.meters = meters;
  }

  public static AdminServer start() {
    return start(Optional.empty(), IntentionAction.ALLOW);
  }

  public static AdminServer start(Optional<String> aclToken, IntentionAction intentionsDefault) {
    return start(aclToken, intentionsDefault, HttpLimits.DEFAULT);
  }

  public static AdminServer start(HttpLimits limits) {
    return start(Optional.empty(), IntentionAction.ALLOW, limits);
  }

  private static AdminServer start(
      Optional<String> aclToken, IntentionAction intentionsDefault, HttpLimits limits) {
    return start(aclToken, intentionsDefault, limits, 64 * 1024);
  }

  /** With the production default body limit (1 MiB), for bodies as large as a KV value. */
  public static AdminServer startWithDefaultBodyLimit() {
    return start(Optional.empty(), IntentionAction.ALLOW, HttpLimits.DEFAULT, 1 << 20);
  }

  private static AdminServer start(
      Optional<String> aclToken,
      IntentionAction intentionsDefault,
      HttpLimits limits,
      long maxBodyBytes) {
    try {
      Path dir = Files.createTempDirectory("cairn-admin-test-");
      Registry registry = Registry.open(SqliteStore.open(dir), new SimpleMeterRegistry());
      AdminSettings settings = new AdminSettings("127.0.0.1", 0, maxBodyBytes, NODE, limits);
      SimpleMeterRegistry meters = new SimpleMeterRegistry();
      Core core =
          Core.of(
              registry,
              meters,
              aclToken.map(AclSettings::denyByDefault).orElse(AclSettings.OFF),
              intentionsDefault);
      MeshCa mesh = MeshCa.start(registry, NODE.datacenter(), Clock.systemUTC());
      AdminHooks hooks =
          new AdminHooks(
              TtlReports.NONE,
              ConnectedProxies.NONE,
              () -> "# test metrics\ncairn_test 1\n",
              "test",
              AdminHooks.XdsPorts.of(18000, false));
      WebServer server =
          AdminApi.webServer(settings, meters)
              .routing(r -> AdminApi.routing(r, settings, core, mesh, () -> true, hooks))
              .build()
              .start();
      return new AdminServer(dir, registry, server, meters);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    }
  }

  /** The meters the admin API registered its own metrics on. */
  public SimpleMeterRegistry meters() {
    return meters;
  }

  public Registry registry() {
    return registry;
  }

  public int port() {
    return server.port();
  }

  public URI uri(String path) {
    return URI.create("http://127.0.0.1:" + server.port() + path);
  }

  /** A response with its body parsed as JSON when it is JSON. */
  public record Reply(int status, String body, HttpResponse<String> raw, JsonNode json) {
    public Optional<String> header(String name) {
      return raw.headers().firstValue(name);
    }

    public long index() {
      return Long.parseLong(header("X-Consul-Index").orElseThrow());
    }
  }

  public Reply send(String method, String path, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(uri(path))
            .timeout(Duration.ofMinutes(2))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      HttpResponse<String> r = client.send(b.build(), HttpResponse.BodyHandlers.ofString());
      JsonNode json = null;
      if (r.headers().firstValue("Content-Type").orElse("").contains("json")
          && !r.body().isEmpty()) {
        json = mapper.readTree(r.body());
      }
      return new Reply(r.statusCode(), r.body(), r, json);
    } catch (IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code json} parsed; a test failure if it is not JSON. */
  public static JsonNode parse(String json) {
    try {
      return new ObjectMapper().readTree(json);
    } catch (IOException e) {
      throw new AssertionError("not JSON: " + json, e);
    }
  }

  /**
   * Makes a policy named {@code name} with {@code rules} (escaped for a JSON string) and a token
   * linking it, with the management token {@code managementToken}; the token's secret.
   */
  public String aclToken(String managementToken, String name, String rules) {
    Reply policy =
        send(
            "PUT",
            "/v1/acl/policy",
            "{\"Name\":\"" + name + "\",\"Rules\":\"" + rules + "\"}",
            "X-Consul-Token",
            managementToken);
    if (policy.status() != 200) {
      throw new AssertionError("policy " + name + ": " + policy.body());
    }
    Reply token =
        send(
            "PUT",
            "/v1/acl/token",
            "{\"Policies\":[{\"Name\":\"" + name + "\"}]}",
            "X-Consul-Token",
            managementToken);
    if (token.status() != 200) {
      throw new AssertionError("token for " + name + ": " + token.body());
    }
    return token.json().get("SecretID").asText();
  }

  public Reply get(String path) {
    return send("GET", path, null);
  }

  public Reply put(String path, String body) {
    return send("PUT", path, body);
  }

  public Reply delete(String path) {
    return send("DELETE", path, null);
  }

  @Override
  public void close() {
    server.stop();
    registry.close();
    try (var paths = Files.walk(dir)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    } catch (IOException e) {
      // Temporary files; leaving them is harmless.
    }
  }
}
