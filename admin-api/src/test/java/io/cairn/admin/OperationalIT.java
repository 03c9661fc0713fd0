package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import io.cairn.admin.AdminServer.Reply;
import io.cairn.registry.config.IntentionAction;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Status, health, metrics, limits and ACLs. */
class OperationalIT {
  @Test
  void statusHealthAndMetrics() {
    try (AdminServer api = AdminServer.start()) {
      assertThat(api.get("/v1/status/leader").body()).isEqualTo("\"127.0.0.1:8300\"");
      assertThat(api.get("/v1/status/peers").json().get(0).asText()).isEqualTo("127.0.0.1:8300");
      Reply health = api.get("/health");
      assertThat(health.status()).isEqualTo(200);
      assertThat(health.json().get("Status").asText()).isEqualTo("UP");
      assertThat(api.get("/health/live").status()).isEqualTo(200);
      Reply metrics = api.get("/metrics");
      assertThat(metrics.status()).isEqualTo(200);
      assertThat(metrics.header("Content-Type").orElse("")).startsWith("text/plain");
      assertThat(metrics.body()).contains("cairn_test 1");
      assertThat(api.get("/v1/agent/metrics?format=prometheus").body()).contains("cairn_test 1");
      JsonNode self = api.get("/v1/agent/self").json();
      assertThat(self.at("/Config/Datacenter").asText()).isEqualTo("dc1");
      // Nomad needs consul.version >= 1.7.0; Cairn's own version is the revision.
      assertThat(self.at("/Config/Version").asText()).isEqualTo("1.17.0");
      assertThat(self.at("/Config/Revision").asText()).isEqualTo("cairn test");
      assertThat(self.at("/DebugConfig/GRPCPort").asInt()).isEqualTo(18000);
      assertThat(self.at("/DebugConfig/GRPCTLSPort").asInt()).isEqualTo(-1);
      assertThat(self.at("/xDS/Ports/Plaintext").asInt()).isEqualTo(18000);
      assertThat(self.at("/xDS/SupportedProxies/envoy/0").asText()).isEqualTo("1.34.x");
      // The node's meta, as the catalog shows it for the node.
      assertThat(self.get("Meta"))
          .isEqualTo(api.get("/v1/catalog/node/" + AdminServer.NODE.name()).json().at("/Node/Meta"))
          .hasSize(1);
      // Another datacenter is one Cairn has no path to, as Consul answers; ours is served.
      Reply otherDc = api.get("/v1/health/service/web?dc=dc2");
      assertThat(otherDc.status()).isEqualTo(500);
      assertThat(otherDc.body()).contains("No path to datacenter").contains("'dc2'");
      assertThat(api.get("/v1/catalog/services?dc=dc2").status()).isEqualTo(500);
      assertThat(api.get("/v1/health/service/web?dc=dc1").status()).isEqualTo(200);
      assertThat(api.get("/v1/catalog/services?dc=").status()).isEqualTo(200);
      // So is a namespace or partition other than the default one (Consul CE's 400).
      Reply ns = api.get("/v1/catalog/services?ns=team-a");
      assertThat(ns.status()).isEqualTo(400);
      assertThat(ns.body()).contains("Namespaces are a Consul Enterprise feature");
      assertThat(api.get("/v1/catalog/services?partition=p1").status()).isEqualTo(400);
      assertThat(api.get("/v1/catalog/services?ns=default&partition=default").status())
          .isEqualTo(200);
      // Connection: close is honoured: the answer, then the end of the stream.
      String closed =
          closingExchange(
              api.port(), "GET /v1/status/leader HTTP/1.1\r\nHost: 127.0.0.1\r\n", new byte[0], 0);
      assertThat(closed).startsWith("HTTP/1.1 200").endsWith("\"127.0.0.1:8300\"");
      Reply unknown = api.get("/v1/event/list");
      assertThat(unknown.status()).isEqualTo(404);
      assertThat(unknown.json().get("Error").asText()).contains("no such endpoint");
    }
  }

  @Test
  void oversizedBodiesGet413() {
    try (AdminServer api = AdminServer.start()) {
      String huge = "{\"Name\": \"x\", \"Meta\": {\"k\": \"" + "a".repeat(200_000) + "\"}}";
      Reply tooLarge = api.put("/v1/agent/service/register", huge);
      assertThat(tooLarge.status()).isEqualTo(413);
      assertThat(tooLarge.json().get("Error").asText()).contains("over the limit");
      byte[] hugeBytes = huge.getBytes(java.nio.charset.StandardCharsets.UTF_8);
      String put = "PUT /v1/agent/service/register HTTP/1.1\r\nHost: 127.0.0.1\r\n";
      // The 413 reaches a client that is still sending, chunked or with a Content-Length.
      String chunkedReply =
          closingExchange(
              api.port(), put + "Transfer-Encoding: chunked\r\n", chunked(hugeBytes), 100_000);
      // One answer: the rest of the body is read as body, not as a next request (a 400).
      assertThat(chunkedReply).startsWith("HTTP/1.1 413").contains("over the limit");
      assertThat(chunkedReply.split("HTTP/1.1 ", -1)).hasSize(2);
      String declaredReply =
          closingExchange(
              api.port(), put + "Content-Length: " + hugeBytes.length + "\r\n", hugeBytes, 100_000);
      assertThat(declaredReply).startsWith("HTTP/1.1 413").contains("over the limit");
      assertThat(declaredReply.split("HTTP/1.1 ", -1)).hasSize(2);
      assertThat(api.registry().snapshot().index()).isZero();
      assertThat(api.get("/v1/status/leader").status()).as("still serving").isEqualTo(200);
    }
  }

  /**
   * A request written by hand with {@code Connection: close}: the headers and {@code early} bytes
   * of the body, then, once the server has answered (or after 5 s), the rest; returns what the
   * server sent up to its close. A server that answers and closes without reading the rest resets
   * the connection (the client sees a broken pipe instead of the answer); one that reads the rest
   * as a next request adds a 400; one that does not close leaves this read to time out.
   */
  private static String closingExchange(int port, String headers, byte[] body, int early) {
    try (java.net.Socket socket = new java.net.Socket("127.0.0.1", port)) {
      socket.setSoTimeout(10_000);
      var out = socket.getOutputStream();
      var in = socket.getInputStream();
      out.write(
          (headers + "Connection: close\r\nContent-Type: application/json\r\n\r\n")
              .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(body, 0, early);
      out.flush();
      long deadline = System.nanoTime() + 5_000_000_000L;
      while (in.available() == 0 && System.nanoTime() < deadline) {
        Thread.sleep(10);
      }
      out.write(body, early, body.length - early);
      out.flush();
      return new String(in.readAllBytes(), java.nio.charset.StandardCharsets.UTF_8);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  /** {@code body} in chunks of 8 KiB with the last chunk, as {@code Transfer-Encoding: chunked}. */
  private static byte[] chunked(byte[] body) {
    var out = new java.io.ByteArrayOutputStream();
    for (int at = 0; at < body.length; at += 8192) {
      int n = Math.min(8192, body.length - at);
      out.writeBytes(
          (Integer.toHexString(n) + "\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      out.write(body, at, n);
      out.writeBytes("\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    }
    out.writeBytes("0\r\n\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    return out.toByteArray();
  }

  @Test
  void writesNeedTheTokenWhenAclsAreOn() {
    try (AdminServer api = AdminServer.start(Optional.of("s3cret"), IntentionAction.ALLOW)) {
      String body = "{\"Name\": \"web\", \"Port\": 80}";
      Reply denied = api.put("/v1/agent/service/register", body);
      assertThat(denied.status()).isEqualTo(403);
      assertThat(denied.json().get("Error").asText()).contains("Permission denied");
      assertThat(
              api.send("PUT", "/v1/agent/service/register", body, "X-Consul-Token", "wrong")
                  .status())
          .isEqualTo(403);
      assertThat(
              api.send("PUT", "/v1/agent/service/register", body, "X-Consul-Token", "s3cret")
                  .status())
          .isEqualTo(200);
      assertThat(
              api.send("PUT", "/v1/agent/service/register", body, "Authorization", "Bearer s3cret")
                  .status())
          .isEqualTo(200);
      assertThat(api.put("/v1/agent/service/register?token=s3cret", body).status()).isEqualTo(200);
      assertThat(api.get("/v1/catalog/services").status()).as("reads stay open").isEqualTo(200);
    }
  }
}
