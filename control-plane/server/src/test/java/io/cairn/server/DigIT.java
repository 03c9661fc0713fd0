package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

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
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real {@code dig} (BIND's, Debian package bind9-dnsutils, which CI installs) against the
 * packaged server: services registered over the admin API answer SRV and A over UDP and TCP.
 */
class DigIT {
  private static final Duration START = Duration.ofSeconds(30);
  @TempDir Path dataDir;

  @Test
  void digGetsSrvAndAddressRecords() throws Exception {
    assumeTrue(
        Dig.binary().isPresent(), "dig is not installed (apt-get install -y bind9-dnsutils)");
    try (CairnProcess cairn = CairnProcess.server(dataDir, "--dns-alt-domain", "consul")) {
      Ports ports = startWithWeb(cairn);
      int http = ports.http();
      int dns = ports.dns();

      List<String> srv = Dig.query(dns, "web.service.cairn", "SRV", "+short");
      assertThat(srv)
          .containsExactlyInAnyOrder("1 1 80 0a000001.addr.cairn.", "1 7 81 0a000002.addr.cairn.");
      List<String> full =
          Dig.query(dns, "web.service.cairn", "SRV", "+noall", "+answer", "+additional");
      assertThat(full)
          .anySatisfy(
              l ->
                  assertThat(l)
                      .matches("0a000001\\.addr\\.cairn\\.\\s+0\\s+IN\\s+A\\s+10\\.0\\.0\\.1"));
      assertThat(Dig.query(dns, "web.service.cairn", "A", "+short"))
          .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
      assertThat(Dig.query(dns, "v2.web.service.consul", "A", "+short", "+tcp"))
          .containsExactly("10.0.0.2");
      assertThat(Dig.query(dns, "_web._tcp.service.cairn", "SRV", "+short")).hasSize(2);
      assertThat(String.join("\n", Dig.query(dns, "nothing.service.cairn", "A")))
          .contains("status: NXDOMAIN")
          .contains("flags: qr aa rd;");

      // Consul's datacenter, node and addr names, for Cairn's own datacenter and node.
      assertThat(Dig.query(dns, "web.service.dc1.cairn", "A", "+short"))
          .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
      assertThat(Dig.query(dns, "_web._v2.service.dc1.consul", "SRV", "+short"))
          .containsExactly("1 7 81 0a000002.addr.consul.");
      assertThat(Dig.query(dns, "0a000001.addr.dc1.cairn", "A", "+short"))
          .containsExactly("10.0.0.1");
      assertThat(Dig.query(dns, "cairn.node.cairn", "A", "+short")).containsExactly("127.0.0.1");
      assertThat(Dig.query(dns, "cairn.node.dc1.consul", "A", "+short"))
          .containsExactly("127.0.0.1");
      assertThat(Dig.query(dns, "-x", "127.0.0.1", "+short")).contains("cairn.node.cairn.");
      // The node's TXT records are the meta the catalog API shows for it.
      JsonNode meta =
          new ObjectMapper()
              .readTree(get(http, "/v1/catalog/node/cairn"))
              .path("Node")
              .path("Meta");
      List<String> expected = new ArrayList<>();
      meta.fields()
          .forEachRemaining(
              e -> expected.add("\"" + e.getKey() + "=" + e.getValue().asText() + "\""));
      assertThat(expected).isNotEmpty();
      assertThat(Dig.query(dns, "cairn.node.cairn", "TXT", "+short"))
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(Dig.query(dns, "cairn.node.dc1.consul", "TXT", "+short"))
          .containsExactlyInAnyOrderElementsOf(expected);
      assertThat(Dig.query(dns, "cairn.node.cairn", "TXT", "+noall", "+additional"))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .matches("cairn\\.node\\.cairn\\.\\s+0\\s+IN\\s+A\\s+127\\.0\\.0\\.1"));
      assertThat(String.join("\n", Dig.query(dns, "web.service.dc2.cairn", "A")))
          .contains("status: NXDOMAIN");
      // EDNS Client Subnet comes back with scope 0.
      assertThat(
              String.join("\n", Dig.query(dns, "web.service.cairn", "A", "+subnet=192.0.2.0/24")))
          .contains("CLIENT-SUBNET: 192.0.2.0/24/0");

      // A service on a catalog node (an external service) answers with its node's address while
      // its client-reported check passes; the node has its own name.
      put(
          http,
          "/v1/catalog/register",
          "{\"Node\":\"rds-1\",\"Address\":\"10.20.0.1\","
              + "\"NodeMeta\":{\"external-node\":\"true\"},"
              + "\"Service\":{\"Service\":\"web\",\"Port\":5432},"
              + "\"Check\":{\"CheckID\":\"alive\",\"Status\":\"passing\"}}");
      assertThat(Dig.query(dns, "web.service.cairn", "A", "+short"))
          .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2", "10.20.0.1");
      assertThat(Dig.query(dns, "rds-1.node.cairn", "A", "+short")).containsExactly("10.20.0.1");
      assertThat(Dig.query(dns, "rds-1.node.dc1.dc.cairn", "TXT", "+short"))
          .containsExactly("\"external-node=true\"");
      put(
          http,
          "/v1/catalog/register",
          "{\"Node\":\"rds-1\",\"Address\":\"10.20.0.1\","
              + "\"Check\":{\"CheckID\":\"alive\",\"Status\":\"critical\"}}");
      assertThat(Dig.query(dns, "web.service.cairn", "A", "+short"))
          .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
      assertThat(cairn.terminate(Duration.ofSeconds(20))).isEqualTo(143);
    }
  }

  @Test
  void digGetsConsulsNameForms() throws Exception {
    assumeTrue(
        Dig.binary().isPresent(), "dig is not installed (apt-get install -y bind9-dnsutils)");
    try (CairnProcess cairn = CairnProcess.server(dataDir, "--dns-alt-domain", "consul")) {
      Ports ports = startWithWeb(cairn);
      int http = ports.http();
      int dns = ports.dns();

      // The datacenter as <dc>.dc, in service, node and addr names.
      assertThat(Dig.query(dns, "web.service.dc1.dc.cairn", "A", "+short"))
          .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
      assertThat(Dig.query(dns, "v2.web.service.dc1.dc.consul", "SRV", "+short"))
          .containsExactly("1 7 81 0a000002.addr.consul.");
      assertThat(Dig.query(dns, "cairn.node.dc1.dc.cairn", "A", "+short"))
          .containsExactly("127.0.0.1");
      assertThat(Dig.query(dns, "0a000001.addr.dc1.dc.cairn", "A", "+short"))
          .containsExactly("10.0.0.1");
      for (String otherDc :
          List.of(
              "web.service.dc2.dc.cairn",
              "cairn.node.dc2.dc.cairn",
              "0a000001.addr.dc2.cairn",
              "_web._tcp.dc2.cairn")) {
        assertThat(String.join("\n", Dig.query(dns, otherDc, "SRV")))
            .as(otherDc)
            .contains("status: NXDOMAIN")
            .containsPattern("(?m)^cairn\\.\\s+0\\s+IN\\s+SOA\\s");
      }

      // RFC 2782 without the service label: SRV only, the name exists for other types.
      assertThat(Dig.query(dns, "_web._tcp.cairn", "SRV", "+short"))
          .containsExactlyInAnyOrder("1 1 80 0a000001.addr.cairn.", "1 7 81 0a000002.addr.cairn.");
      assertThat(Dig.query(dns, "_web._v2.dc1.consul", "SRV", "+short"))
          .containsExactly("1 7 81 0a000002.addr.consul.");
      assertThat(Dig.query(dns, "_web._tcp.dc1.dc.cairn", "SRV", "+short")).hasSize(2);
      assertThat(String.join("\n", Dig.query(dns, "_web._tcp.cairn", "A")))
          .contains("status: NOERROR")
          .contains("ANSWER: 0,");

      // An addr name asked for the other family: its record as additional, no answer.
      String aaaaForV4 = String.join("\n", Dig.query(dns, "0a000001.addr.cairn", "AAAA"));
      assertThat(aaaaForV4).contains("status: NOERROR").contains("ANSWER: 0,");
      assertThat(Dig.query(dns, "0a000001.addr.cairn", "AAAA", "+noall", "+additional"))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .matches("0a000001\\.addr\\.cairn\\.\\s+0\\s+IN\\s+A\\s+10\\.0\\.0\\.1"));
      assertThat(
              Dig.query(
                  dns, "20010db8000000000000000000000001.addr.cairn", "A", "+noall", "+additional"))
          .singleElement()
          .satisfies(
              l ->
                  assertThat(l)
                      .matches(
                          "20010db8000000000000000000000001\\.addr\\.cairn\\.\\s+0\\s+IN\\s+AAAA\\s+2001:db8::1"));

      assertThat(Dig.query(dns, "cairn.node.dc1.dc.consul", "TXT", "+short"))
          .containsExactly("\"consul-network-segment=\"");
      assertThat(cairn.terminate(Duration.ofSeconds(20))).isEqualTo(143);
    }
  }

  @Test
  void underAclsDnsAnswersOnlyWhatItsTokenMayRead() throws Exception {
    assumeTrue(
        Dig.binary().isPresent(), "dig is not installed (apt-get install -y bind9-dnsutils)");
    String dnsSecret = "6b1c2f0e-3d4a-4b5c-9d8e-7f6a5b4c3d2e";
    try (CairnProcess cairn =
        CairnProcess.server(dataDir, "--acl-token", "root", "--acl-dns-token", dnsSecret)) {
      int http = cairn.awaitHttpPort(START);
      int dns = cairn.awaitDnsPort(START);
      cairn.awaitLine(l -> l.contains("cairn ready"), START);
      put(
          http,
          "/v1/agent/service/register",
          "{\"ID\":\"web-1\",\"Name\":\"web\",\"Address\":\"10.0.0.1\",\"Port\":80}");
      put(
          http,
          "/v1/agent/service/register",
          "{\"ID\":\"vault-1\",\"Name\":\"vault\",\"Address\":\"10.0.0.9\",\"Port\":8200}");
      // The DNS token does not exist yet: DNS answers nothing (and ACLs deny by default).
      assertThat(String.join("\n", Dig.query(dns, "web.service.cairn", "A")))
          .contains("status: NXDOMAIN");
      put(
          http,
          "/v1/acl/policy",
          "{\"Name\":\"dns\",\"Rules\":\"service \\\"web\\\" { policy = \\\"read\\\" }\"}");
      put(
          http,
          "/v1/acl/token",
          "{\"SecretID\":\"" + dnsSecret + "\",\"Policies\":[{\"Name\":\"dns\"}]}");
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () ->
                  assertThat(Dig.query(dns, "web.service.cairn", "A", "+short"))
                      .containsExactly("10.0.0.1"));
      assertThat(String.join("\n", Dig.query(dns, "vault.service.cairn", "A")))
          .as("a service the DNS token may not read")
          .contains("status: NXDOMAIN");
      assertThat(Dig.query(dns, "9.0.0.10.in-addr.arpa", "PTR", "+short")).isEmpty();
      assertThat(Dig.query(dns, "1.0.0.10.in-addr.arpa", "PTR", "+short"))
          .containsExactly("web.service.cairn.");
      assertThat(cairn.terminate(Duration.ofSeconds(20))).isEqualTo(143);
    }
  }

  private record Ports(int http, int dns) {}

  /** Waits for the server, then registers web-1 (10.0.0.1:80) and web-2 (10.0.0.2:81, v2). */
  private static Ports startWithWeb(CairnProcess cairn) throws Exception {
    int http = cairn.awaitHttpPort(START);
    int dns = cairn.awaitDnsPort(START);
    cairn.awaitLine(l -> l.contains("cairn ready"), START);
    register(http, "{\"ID\":\"web-1\",\"Name\":\"web\",\"Address\":\"10.0.0.1\",\"Port\":80}");
    register(
        http,
        "{\"ID\":\"web-2\",\"Name\":\"web\",\"Address\":\"10.0.0.2\",\"Port\":81,"
            + "\"Tags\":[\"v2\"],\"Weights\":{\"Passing\":7,\"Warning\":1}}");
    return new Ports(http, dns);
  }

  private static void register(int port, String body) throws Exception {
    put(port, "/v1/agent/service/register", body);
  }

  private static void put(int port, String path, String body) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
                    .header("X-Consul-Token", "root")
                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }

  private static String get(int port, String path) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
    return r.body();
  }
}
