package io.cairn.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.tls.TestPki;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class TlsSettingsTest {
  @TempDir static Path dir;
  static TestPki pki;

  @BeforeAll
  static void certificates() {
    pki = new TestPki(dir);
  }

  @Test
  void offByDefault() {
    TlsSettings tls = ServerSettings.load(List.of(), Map.of()).tls();
    assertThat(tls.files()).isEmpty();
    assertThat(tls.adminFiles()).isEmpty();
    assertThat(tls.xdsFiles()).isEmpty();
  }

  @Test
  void certAndKeyTurnItOnForBothFrontEndsUnlessOneIsTurnedOff() {
    TlsSettings tls =
        ServerSettings.load(
                List.of(
                    "--tls-cert-file",
                    pki.serverCert().toString(),
                    "--tls-key-file",
                    pki.serverKey().toString(),
                    "--tls-xds",
                    "false",
                    "--tls-reload-interval",
                    "2s"),
                Map.of("CAIRN_TLS_CLIENT_CA_FILE", pki.caPem().toString()))
            .tls();
    assertThat(tls.adminFiles()).isPresent();
    assertThat(tls.xdsFiles()).isEmpty();
    assertThat(tls.files().orElseThrow().mutual()).isTrue();
    assertThat(tls.files().orElseThrow().reloadInterval()).isEqualTo(Duration.ofSeconds(2));
  }

  @Test
  void everyProblemIsReportedTogether() throws Exception {
    Files.writeString(dir.resolve("junk.pem"), "junk");
    assertThatThrownBy(
            () ->
                ServerSettings.load(
                    List.of(
                        "--tls-cert-file",
                        pki.serverCert().toString(),
                        "--tls-key-file",
                        pki.file("client.key").toString(),
                        "--tls-client-ca-file",
                        dir.resolve("junk.pem").toString(),
                        "--tls-admin",
                        "maybe",
                        "--tls-reload-interval",
                        "0",
                        "--http-port",
                        "nope"),
                    Map.of()))
        .isInstanceOfSatisfying(
            SettingsException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(5)
                    .anySatisfy(
                        p -> assertThat(p).contains("client.key").contains("does not belong"))
                    .anySatisfy(
                        p -> assertThat(p).contains("junk.pem").contains("no PEM CERTIFICATE"))
                    .anySatisfy(p -> assertThat(p).startsWith("tls.admin: 'maybe'"))
                    .anySatisfy(p -> assertThat(p).startsWith("tls.reload-interval: '0'"))
                    .anySatisfy(p -> assertThat(p).startsWith("http.port: 'nope'")));
    assertThatThrownBy(
            () ->
                ServerSettings.load(
                    List.of("--tls-cert-file", pki.serverCert().toString()), Map.of()))
        .hasMessageContaining("tls.cert-file and tls.key-file must be set together");
    assertThatThrownBy(
            () ->
                ServerSettings.load(
                    List.of(
                        "--tls-cert-file", dir.resolve("missing.pem").toString(),
                        "--tls-key-file", dir.resolve("missing.key").toString()),
                    Map.of()))
        .isInstanceOfSatisfying(
            SettingsException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(2)
                    .allSatisfy(p -> assertThat(p).startsWith("tls: cannot read")));
  }
}
