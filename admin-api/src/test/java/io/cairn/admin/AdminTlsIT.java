package io.cairn.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.ca.MeshCa;
import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.cairn.tls.ServerTls;
import io.cairn.tls.TestPki;
import io.cairn.tls.TlsFiles;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.IOException;
import java.math.BigInteger;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Optional;
import javax.net.ssl.SSLContext;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The admin API over TLS and mTLS, with the JDK's HTTP client on a real socket. */
class AdminTlsIT {
  @TempDir static Path dir;
  static TestPki pki;
  @TempDir Path data;
  private Registry registry;
  private ServerTls tls;
  private AdminApi api;

  @BeforeAll
  static void certificates() {
    pki = new TestPki(dir);
  }

  @AfterEach
  void stop() {
    if (api != null) {
      api.close();
    }
    if (tls != null) {
      tls.close();
    }
    if (registry != null) {
      registry.close();
    }
  }

  private void start(TlsFiles files) {
    registry = Registry.open(SqliteStore.open(data), new SimpleMeterRegistry());
    tls = ServerTls.start(files);
    api =
        AdminApi.start(
            new AdminSettings("127.0.0.1", 0, 64 * 1024, AdminServer.NODE),
            Core.of(registry, new SimpleMeterRegistry()),
            MeshCa.start(registry, AdminServer.NODE.datacenter(), Clock.systemUTC()),
            Optional.of(tls),
            AdminHooks.NONE);
  }

  private URI uri(String scheme) {
    return URI.create(scheme + "://127.0.0.1:" + api.port() + "/v1/status/leader");
  }

  private static HttpClient client(SSLContext context) {
    return HttpClient.newBuilder()
        .sslContext(context)
        .connectTimeout(Duration.ofSeconds(5))
        .version(HttpClient.Version.HTTP_1_1)
        .build();
  }

  private int get(HttpClient client, URI uri) throws IOException, InterruptedException {
    return client
        .send(
            HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(5)).build(),
            HttpResponse.BodyHandlers.ofString())
        .statusCode();
  }

  @Test
  void servesHttpsToClientsTrustingTheCaAndNothingInPlaintext() throws Exception {
    start(
        new TlsFiles(pki.serverCert(), pki.serverKey(), Optional.empty(), Duration.ofSeconds(10)));
    TestPki.Client trusting = pki.client(Optional.empty());
    assertThat(get(client(trusting.context), uri("https"))).isEqualTo(200);
    assertThat(trusting.lastServerSerial()).isEqualTo(BigInteger.valueOf(1001));

    HttpClient plain = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    assertThatThrownBy(() -> get(plain, uri("http"))).isInstanceOf(IOException.class);
    // The JDK's default trust store does not know the test CA.
    assertThatThrownBy(() -> get(client(SSLContext.getDefault()), uri("https")))
        .isInstanceOf(IOException.class);
  }

  @Test
  void mutualTlsRequiresAClientCertificateFromTheClientCa() throws Exception {
    start(
        new TlsFiles(
            pki.serverCert(), pki.serverKey(), Optional.of(pki.caPem()), Duration.ofSeconds(10)));
    assertThatThrownBy(() -> get(client(pki.client(Optional.empty()).context), uri("https")))
        .isInstanceOf(IOException.class);
    assertThatThrownBy(
            () -> get(client(pki.client(Optional.of("stranger.p12")).context), uri("https")))
        .isInstanceOf(IOException.class);
    assertThat(get(client(pki.client(Optional.of("client.p12")).context), uri("https")))
        .isEqualTo(200);
  }

  @Test
  void newConnectionsSeeAReplacedCertificateAndOpenOnesCarryOn() throws Exception {
    Path cert = dir.resolve("reload.pem");
    Path key = dir.resolve("reload.key");
    Files.copy(pki.serverCert(), cert);
    Files.copy(pki.serverKey(), key);
    start(new TlsFiles(cert, key, Optional.empty(), Duration.ofMillis(200)));
    TestPki.Client first = pki.client(Optional.empty());
    HttpClient open = client(first.context);
    assertThat(get(open, uri("https"))).isEqualTo(200);
    assertThat(first.lastServerSerial()).isEqualTo(BigInteger.valueOf(1001));

    pki.issueServer("renewed", "cairn-renewed", 1301);
    Files.move(pki.file("renewed.key"), key, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
    Files.move(pki.file("renewed.pem"), cert, java.nio.file.StandardCopyOption.REPLACE_EXISTING);

    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () -> {
              TestPki.Client fresh = pki.client(Optional.empty());
              assertThat(get(client(fresh.context), uri("https"))).isEqualTo(200);
              assertThat(fresh.lastServerSerial()).isEqualTo(BigInteger.valueOf(1301));
            });
    // The kept-alive connection was not renegotiated and still answers.
    assertThat(get(open, uri("https"))).isEqualTo(200);
    assertThat(first.lastServerSerial()).isEqualTo(BigInteger.valueOf(1001));
  }
}
