package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
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
      int http = cairn.awaitHttpPort(START);
      int dns = cairn.awaitDnsPort(START);
      cairn.awaitLine(l -> l.contains("cairn ready"), START);
      register(http, "{\"ID\":\"web-1\",\"Name\":\"web\",\"Address\":\"10.0.0.1\",\"Port\":80}");
      register(
          http,
          "{\"ID\":\"web-2\",\"Name\":\"web\",\"Address\":\"10.0.0.2\",\"Port\":81,"
              + "\"Tags\":[\"v2\"],\"Weights\":{\"Passing\":7,\"Warning\":1}}");

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
      assertThat(cairn.terminate(Duration.ofSeconds(20))).isEqualTo(143);
    }
  }

  private static void register(int port, String body) throws Exception {
    HttpResponse<String> r =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(
                        URI.create("http://127.0.0.1:" + port + "/v1/agent/service/register"))
                    .PUT(HttpRequest.BodyPublishers.ofString(body))
                    .build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as(r.body()).isEqualTo(200);
  }
}
