package io.cairn.tls;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ServerTlsTest {
  @TempDir static Path dir;
  static TestPki pki;

  @BeforeAll
  static void certificates() {
    pki = new TestPki(dir);
  }

  private static TlsFiles files(String cert, String key, Optional<String> ca) {
    return new TlsFiles(pki.file(cert), pki.file(key), ca.map(pki::file), Duration.ofHours(1));
  }

  @Test
  void goodFilesHaveNoProblemsAndServeTheirCertificate() {
    assertThat(ServerTls.check(files("server.pem", "server.key", Optional.of("ca.pem")))).isEmpty();
    try (ServerTls tls =
        ServerTls.start(files("server.pem", "server.key", Optional.of("ca.pem")))) {
      assertThat(tls.serial()).isEqualTo(BigInteger.valueOf(1001));
      assertThat(tls.mutual()).isTrue();
      assertThat(tls.trustManager().orElseThrow().getAcceptedIssuers()).hasSize(1);
      String alias = tls.keyManager().chooseServerAlias("EC", null, null);
      assertThat(tls.keyManager().getCertificateChain(alias)[0].getSerialNumber())
          .isEqualTo(BigInteger.valueOf(1001));
      assertThat(tls.keyManager().getPrivateKey(alias)).isNotNull();
    }
  }

  @Test
  void everyProblemIsListed() throws Exception {
    Files.writeString(pki.file("garbage.pem"), "not a certificate\n");
    assertThat(ServerTls.check(files("server.pem", "client.key", Optional.of("garbage.pem"))))
        .hasSize(2)
        .anySatisfy(p -> assertThat(p).contains("client.key").contains("does not belong"))
        .anySatisfy(p -> assertThat(p).contains("garbage.pem").contains("no PEM CERTIFICATE"));
    assertThat(ServerTls.check(files("missing.pem", "missing.key", Optional.empty())))
        .hasSize(2)
        .allSatisfy(p -> assertThat(p).startsWith("cannot read"));
    assertThat(ServerTls.check(files("server.pem", "garbage.pem", Optional.empty())))
        .singleElement()
        .asString()
        .contains("no PEM PRIVATE KEY");
    assertThatThrownBy(() -> ServerTls.start(files("server.pem", "client.key", Optional.empty())))
        .isInstanceOf(TlsException.class)
        .hasMessageContaining("does not belong");
  }

  @Test
  void readsTraditionalRsaKeysAndRefusesEncryptedOnes() {
    pki.openssl("genrsa", "-traditional", "-out", "rsa.key", "2048");
    pki.openssl(
        "req", "-x509", "-key", "rsa.key", "-out", "rsa.pem", "-days", "1", "-subj", "/CN=rsa");
    assertThat(Files.isRegularFile(pki.file("rsa.key"))).isTrue();
    assertThat(ServerTls.check(files("rsa.pem", "rsa.key", Optional.empty()))).isEmpty();
    pki.openssl("pkcs8", "-topk8", "-in", "rsa.key", "-out", "rsa-enc.key", "-passout", "pass:pw");
    assertThat(ServerTls.check(files("rsa.pem", "rsa-enc.key", Optional.empty())))
        .singleElement()
        .asString()
        .contains("encrypted private keys are not supported");
  }

  @Test
  void reloadsChangedFilesAndKeepsTheOldOnesWhenTheNewAreBad() throws Exception {
    pki.issueServer("r1", "reloaded-1", 1101);
    pki.issueServer("r2", "reloaded-2", 1102);
    Files.copy(pki.file("r1.pem"), pki.file("live.pem"));
    Files.copy(pki.file("r1.key"), pki.file("live.key"));
    try (ServerTls tls = ServerTls.start(files("live.pem", "live.key", Optional.empty()))) {
      String before = tls.keyManager().chooseServerAlias("EC", null, null);
      assertThat(tls.serial()).isEqualTo(BigInteger.valueOf(1101));

      // Half-written: the new certificate with the old key is refused, the old pair stays.
      Files.copy(
          pki.file("r2.pem"),
          pki.file("live.pem"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      tls.reloadIfChanged();
      assertThat(tls.serial()).isEqualTo(BigInteger.valueOf(1101));

      Files.copy(
          pki.file("r2.key"),
          pki.file("live.key"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      tls.reloadIfChanged();
      assertThat(tls.serial()).isEqualTo(BigInteger.valueOf(1102));
      // A handshake that picked its alias before the reload still gets a matching pair.
      assertThat(tls.keyManager().getCertificateChain(before)[0].getSerialNumber())
          .isEqualTo(BigInteger.valueOf(1101));
      String after = tls.keyManager().chooseServerAlias("EC", null, null);
      assertThat(after).isNotEqualTo(before);
      assertThat(tls.keyManager().getCertificateChain(after)[0].getSerialNumber())
          .isEqualTo(BigInteger.valueOf(1102));

      Files.writeString(pki.file("live.key"), "garbage");
      tls.reloadIfChanged();
      assertThat(tls.serial()).isEqualTo(BigInteger.valueOf(1102));
    }
  }

  @Test
  void theTimerPicksUpChanges() throws Exception {
    pki.issueServer("t1", "timed-1", 1201);
    pki.issueServer("t2", "timed-2", 1202);
    Files.copy(pki.file("t1.pem"), pki.file("timed.pem"));
    Files.copy(pki.file("t1.key"), pki.file("timed.key"));
    TlsFiles files =
        new TlsFiles(
            pki.file("timed.pem"), pki.file("timed.key"), Optional.empty(), Duration.ofMillis(50));
    try (ServerTls tls = ServerTls.start(files)) {
      Files.move(
          pki.file("t2.pem"),
          pki.file("timed.pem"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      Files.move(
          pki.file("t2.key"),
          pki.file("timed.key"),
          java.nio.file.StandardCopyOption.REPLACE_EXISTING);
      long deadline = System.nanoTime() + Duration.ofSeconds(5).toNanos();
      while (!tls.serial().equals(BigInteger.valueOf(1202)) && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(tls.serial()).isEqualTo(BigInteger.valueOf(1202));
    }
  }

  @Test
  void clientContextsReportBadFiles() {
    assertThat(
            ClientTls.context(
                Optional.of(pki.caPem()),
                Optional.of(pki.file("client.pem")),
                Optional.of(pki.file("client.key"))))
        .isNotNull();
    assertThatThrownBy(
            () ->
                ClientTls.context(
                    Optional.of(pki.file("nope.pem")),
                    Optional.of(pki.file("client.pem")),
                    Optional.empty()))
        .isInstanceOf(TlsException.class)
        .satisfies(e -> assertThat(((TlsException) e).problems()).hasSize(2));
  }
}
