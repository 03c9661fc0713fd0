package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.cairn.ca.CertificateChecks;
import io.grpc.InsecureServerCredentials;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.xds.XdsServerBuilder;
import io.grpc.xds.XdsServerCredentials;
import java.nio.file.Path;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A proxyless gRPC server (grpc-java's XdsServerCredentials with the {@code file_watcher}
 * certificate provider) presents the leaf {@code cairn connect certs} renewed, for a renewal that
 * changes only the leaf (a restarted Cairn issues a new one under the same root) and for a root
 * rotation. grpc-java builds a new mTLS context only once it has reread both the key pair and the
 * roots since its last one, so every write must change all three files.
 */
class ProxylessCertRenewalIT {
  private static final Duration START = Duration.ofSeconds(60);
  private static final Duration WAIT = Duration.ofSeconds(60);
  private static final String SERVICE = "renew-api";

  @TempDir Path dataDir;
  @TempDir Path certs;

  @Test
  void theServerPresentsEveryRenewedLeaf() throws Exception {
    int http = ProxylessFixtures.freePort();
    int xds = ProxylessFixtures.freePort();
    int port = ProxylessFixtures.freePort();
    CairnProcess cairn = server(http, xds);
    CairnProcess watcher = null;
    Server server = null;
    try {
      cairn.awaitHttpPort(START);
      ProxylessFixtures.send(
          http,
          "PUT",
          "/v1/agent/service/register",
          """
          {"ID": "%s-1", "Name": "%s", "Address": "127.0.0.1", "Port": %d,
           "Connect": {"Native": true}}"""
              .formatted(SERVICE, SERVICE, port));
      watcher = ProxylessFixtures.connectCerts(SERVICE, certs, http);
      watcher.awaitLine(l -> l.startsWith("wrote key.pem and cert.pem: serial "), START);
      CertDir files = new CertDir(certs);
      server =
          XdsServerBuilder.forPort(
                  port, XdsServerCredentials.create(InsecureServerCredentials.create()))
              .overrideBootstrapForTest(ProxylessFixtures.bootstrap(xds, SERVICE, certs))
              .addService(ServerServiceDefinition.builder("demo.Nothing").build())
              .build()
              .start();
      String first = serial(files.cert());
      await("the server presents its first leaf")
          .atMost(WAIT)
          .until(() -> presented(port).equals(first));

      // Cairn restarts on the same ports: a new leaf under the same root, nothing else changes.
      String roots = files.ca();
      assertThat(cairn.terminate(Duration.ofSeconds(30))).isEqualTo(143);
      cairn.close();
      cairn = server(http, xds);
      cairn.awaitHttpPort(START);
      await("a renewed leaf").atMost(WAIT).until(() -> !serial(files.cert()).equals(first));
      assertThat(files.ca()).isEqualTo(roots);
      String renewed = serial(files.cert());
      await("the server presents the renewed leaf, same roots")
          .atMost(WAIT)
          .until(() -> presented(port).equals(renewed));

      // A root rotation: new roots and a new leaf signed by the new root.
      ProxylessFixtures.send(
          http,
          "PUT",
          "/v1/connect/ca/configuration",
          "{\"Config\":{\"PrivateKeyType\":\"rsa\",\"PrivateKeyBits\":2048}}");
      await("a leaf of the new root")
          .atMost(WAIT)
          .until(
              () ->
                  !serial(files.cert()).equals(renewed)
                      && CertificateChecks.certificates(files.ca()).size() == 2);
      String rotated = serial(files.cert());
      await("the server presents the leaf of the new root")
          .atMost(WAIT)
          .until(() -> presented(port).equals(rotated));
    } finally {
      if (server != null) {
        server.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
      }
      if (watcher != null) {
        watcher.close();
      }
      cairn.close();
    }
  }

  private CairnProcess server(int http, int xds) throws Exception {
    return CairnProcess.start(
        List.of(
            "server",
            "--data-dir",
            dataDir.toString(),
            "--http-port",
            Integer.toString(http),
            "--xds-port",
            Integer.toString(xds),
            "--dns-port",
            "0"));
  }

  private static String serial(String pem) throws Exception {
    return CertificateChecks.certificates(pem).getFirst().getSerialNumber().toString(16);
  }

  /**
   * The serial of the leaf the server sends in a TLS handshake. The handshake itself fails, for
   * want of a client certificate; the server's certificate arrives before that.
   */
  private static String presented(int port) throws Exception {
    AtomicReference<X509Certificate> seen = new AtomicReference<>();
    SSLContext tls = SSLContext.getInstance("TLSv1.3");
    tls.init(null, new TrustManager[] {ProxylessFixtures.trustingAnyServer(seen::set)}, null);
    try (SSLSocket s = (SSLSocket) tls.getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(10_000);
      SSLParameters p = s.getSSLParameters();
      p.setApplicationProtocols(new String[] {"h2"});
      s.setSSLParameters(p);
      s.startHandshake();
      s.getInputStream().read(); // the server's refusal of a client without a certificate
    } catch (SSLException | java.net.SocketException e) {
      // Expected once the server has seen no client certificate.
    }
    X509Certificate leaf = seen.get();
    return leaf == null ? "" : leaf.getSerialNumber().toString(16);
  }
}
