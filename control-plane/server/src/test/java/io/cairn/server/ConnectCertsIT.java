package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.cairn.ca.CertificateChecks;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code cairn connect certs} left running next to an app, both packaged processes: it rewrites the
 * files after a root rotation and after Cairn restarts, and stops on SIGTERM with status 0.
 */
class ConnectCertsIT {
  private static final Duration START = Duration.ofSeconds(60);

  /** Generous: the leaf read wakes within a second, a restart takes a JVM start and a backoff. */
  private static final Duration DEADLINE = Duration.ofSeconds(120);

  private static final ObjectMapper JSON = new ObjectMapper();
  @TempDir Path dataDir;
  @TempDir Path certs;

  @Test
  void rewritesTheFilesAfterARotationAndARestartAndStopsOnSigterm() throws Exception {
    CairnProcess cairn = CairnProcess.server(dataDir);
    CairnProcess watcher = null;
    try {
      int port = cairn.awaitHttpPort(START);
      watcher = ProxylessFixtures.connectCerts("web", certs, port);
      watcher.awaitLine(l -> l.startsWith("wrote key.pem and cert.pem: serial "), START);
      assertThat(watcher.output()).startsWith("wrote ca.pem: 1 root, active ");
      CertDir files = new CertDir(certs);
      files.assertConsistent();
      String first = files.cert();

      // A new key type rotates: a new root, cross-signed by the old, and a new leaf from it.
      assertThat(
              ProxylessFixtures.send(
                  port,
                  "PUT",
                  "/v1/connect/ca/configuration",
                  "{\"Config\":{\"PrivateKeyType\":\"rsa\",\"PrivateKeyBits\":2048}}"))
          .isEqualTo("true");
      JsonNode roots =
          JSON.readTree(ProxylessFixtures.send(port, "GET", "/v1/connect/ca/roots", null));
      String newRoot = roots.path("Roots").get(1).path("RootCert").asText();
      assertThat(roots.path("Roots").get(1).path("Active").asBoolean()).isTrue();
      await()
          .atMost(DEADLINE)
          .until(
              () ->
                  !files.cert().equals(first)
                      && CertificateChecks.certificates(files.ca()).size() == 2);
      String rotated = files.cert();
      CertificateChecks.validate(
          List.of(CertificateChecks.certificates(rotated).getFirst()), newRoot);
      files.assertConsistent();
      assertThat(watcher.output())
          .contains("wrote ca.pem: 2 roots, active " + roots.path("ActiveRootID").asText());

      // Cairn restarts (on the same port): the watcher retries, then writes the new process's leaf.
      assertThat(cairn.terminate(Duration.ofSeconds(30))).isEqualTo(143);
      cairn.close();
      watcher.awaitLine(l -> l.contains("retrying in"), DEADLINE);
      cairn =
          CairnProcess.start(
              List.of(
                  "server",
                  "--data-dir",
                  dataDir.toString(),
                  "--http-port",
                  Integer.toString(port),
                  "--dns-port",
                  "0"));
      cairn.awaitHttpPort(START);
      await().atMost(DEADLINE).until(() -> !files.cert().equals(rotated));
      files.assertConsistent();

      assertThat(watcher.terminate(Duration.ofSeconds(20))).isZero();
      assertThat(watcher.output()).endsWith("cairn: stopped");
      assertThat(files.names()).containsExactly("ca.pem", "cert.pem", "key.pem");
    } finally {
      if (watcher != null) {
        watcher.close();
      }
      cairn.close();
    }
  }
}
