package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.tls.TestPki;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The packaged server with {@code --tls-*} flags as a process: HTTPS with mTLS for the JDK client
 * and for the {@code cairn} CLI, and bad TLS settings failing start-up with every problem.
 */
class TlsProcessIT {
  @TempDir static Path dir;
  @TempDir static Path dataDir;
  private static TestPki pki;
  private static CairnProcess cairn;
  private static int port;

  @BeforeAll
  static void start() throws Exception {
    pki = new TestPki(dir);
    cairn =
        CairnProcess.server(
            dataDir,
            "--tls-cert-file",
            pki.serverCert().toString(),
            "--tls-key-file",
            pki.serverKey().toString(),
            "--tls-client-ca-file",
            pki.caPem().toString());
    port = cairn.awaitHttpPort(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    cairn.terminate(Duration.ofSeconds(20));
  }

  private static int get(Optional<String> clientP12) throws Exception {
    HttpClient client =
        HttpClient.newBuilder()
            .sslContext(pki.client(clientP12).context)
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    return client
        .send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + port + "/v1/status/leader"))
                .build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Test
  void servesHttpsWithClientCertificatesRequired() throws Exception {
    assertThat(get(Optional.of("client.p12"))).isEqualTo(200);
    assertThatThrownBy(() -> get(Optional.empty())).isInstanceOf(IOException.class);
    assertThat(cairn.awaitLine(l -> l.contains("xDS listening"), Duration.ofSeconds(5)))
        .contains("mTLS");
  }

  private static CliRun cli(Map<String, String> env, String... args) throws Exception {
    return CliRun.run("https://127.0.0.1:" + port, env, "", args);
  }

  @Test
  void theCliTalksHttpsWithItsCaFileAndClientCertificate() throws Exception {
    CliRun flags =
        cli(
            Map.of(),
            "services",
            "--ca-file",
            pki.caPem().toString(),
            "--client-cert",
            pki.file("client.pem").toString(),
            "--client-key",
            pki.file("client.key").toString());
    assertThat(flags.status()).as(flags.err()).isZero();

    // Consul's variable names work too.
    CliRun consulEnv =
        cli(
            Map.of(
                "CONSUL_CACERT", pki.caPem().toString(),
                "CONSUL_CLIENT_CERT", pki.file("client.pem").toString(),
                "CONSUL_CLIENT_KEY", pki.file("client.key").toString()),
            "services");
    assertThat(consulEnv.status()).as(consulEnv.err()).isZero();

    CliRun noClientCert = cli(Map.of("CAIRN_CACERT", pki.caPem().toString()), "services");
    assertThat(noClientCert.status()).isEqualTo(3);

    CliRun badFile = cli(Map.of("CAIRN_CACERT", dir.resolve("nope.pem").toString()), "services");
    assertThat(badFile.status()).isEqualTo(2);
    assertThat(badFile.err()).contains("nope.pem");
  }

  @Test
  void badTlsSettingsStopStartUpWithEveryProblem() throws Exception {
    try (CairnProcess bad =
        CairnProcess.server(
            dataDir.resolve("bad"),
            "--tls-cert-file",
            dir.resolve("missing.pem").toString(),
            "--tls-key-file",
            pki.serverKey().toString(),
            "--tls-xds",
            "sometimes")) {
      assertThat(bad.awaitExit(Duration.ofSeconds(30))).isEqualTo(2);
      assertThat(bad.output()).contains("missing.pem").contains("tls.xds: 'sometimes'");
    }
  }
}
