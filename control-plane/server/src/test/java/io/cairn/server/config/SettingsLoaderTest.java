package io.cairn.server.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.dns.DnsSettings;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class SettingsLoaderTest {
  @TempDir Path dir;

  @Test
  void defaultsApplyWhenNothingIsGiven() {
    ServerSettings s = ServerSettings.load(List.of(), Map.of());
    assertThat(s.dataDir()).isEqualTo(Path.of("./data"));
    assertThat(s.logLevel()).isEqualTo(LogLevel.INFO);
    assertThat(s.logFormat()).isEqualTo(LogFormat.TEXT);
  }

  @Test
  void flagsBeatEnvironmentWhichBeatsTheFileWhichBeatsDefaults() throws Exception {
    Path file = dir.resolve("cairn.yaml");
    Files.writeString(
        file,
        """
        data-dir: /from/file
        log:
          level: debug
          format: json
        """);

    ServerSettings fileOnly = ServerSettings.load(List.of("--config", file.toString()), Map.of());
    assertThat(fileOnly.dataDir()).isEqualTo(Path.of("/from/file"));
    assertThat(fileOnly.logLevel()).isEqualTo(LogLevel.DEBUG);
    assertThat(fileOnly.logFormat()).isEqualTo(LogFormat.JSON);

    ServerSettings withEnv =
        ServerSettings.load(
            List.of(),
            Map.of(
                "CAIRN_CONFIG", file.toString(),
                "CAIRN_DATA_DIR", "/from/env",
                "CAIRN_LOG_LEVEL", "warn"));
    assertThat(withEnv.dataDir()).isEqualTo(Path.of("/from/env"));
    assertThat(withEnv.logLevel()).isEqualTo(LogLevel.WARN);
    assertThat(withEnv.logFormat()).isEqualTo(LogFormat.JSON);

    ServerSettings withFlags =
        ServerSettings.load(
            List.of("--config=" + file, "--data-dir", "/from/flag", "--log-level=error"),
            Map.of("CAIRN_DATA_DIR", "/from/env"));
    assertThat(withFlags.dataDir()).isEqualTo(Path.of("/from/flag"));
    assertThat(withFlags.logLevel()).isEqualTo(LogLevel.ERROR);
  }

  @Test
  void dottedKeysInTheFileWorkLikeNestedOnes() throws Exception {
    Path file = dir.resolve("flat.yaml");
    Files.writeString(file, "log.level: trace\n");
    assertThat(ServerSettings.load(List.of("--config", file.toString()), Map.of()).logLevel())
        .isEqualTo(LogLevel.TRACE);
  }

  @Test
  void everyProblemIsReportedAtOnce() throws Exception {
    Path file = dir.resolve("typo.yaml");
    Files.writeString(file, "data-dirr: /x\nlog:\n  colour: red\n");

    assertThatThrownBy(
            () ->
                ServerSettings.load(
                    List.of(
                        "--config", file.toString(), "--log-level", "loud", "--nope", "1", "stray"),
                    Map.of("CAIRN_LOG_FORMAT", "xml")))
        .isInstanceOfSatisfying(
            SettingsException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(6)
                    .anySatisfy(p -> assertThat(p).contains("unknown setting 'data-dirr'"))
                    .anySatisfy(p -> assertThat(p).contains("unknown setting 'log.colour'"))
                    .anySatisfy(p -> assertThat(p).contains("unknown flag --nope"))
                    .anySatisfy(p -> assertThat(p).contains("unexpected argument 'stray'"))
                    .anySatisfy(p -> assertThat(p).startsWith("log.level: 'loud'"))
                    .anySatisfy(p -> assertThat(p).startsWith("log.format: 'xml'")));
  }

  @Test
  void theStoreIsEmbeddedByDefaultAndEtcdWithItsSettings() {
    assertThat(ServerSettings.load(List.of(), Map.of()).store())
        .isEqualTo(new StoreSettings.Embedded(Path.of("./data")));

    ServerSettings s =
        ServerSettings.load(
            List.of(
                "--store",
                "etcd",
                "--etcd-endpoints",
                "http://10.0.0.1:2379, http://10.0.0.2:2379",
                "--etcd-member-ttl",
                "3s"),
            Map.of("CAIRN_ETCD_PREFIX", "/prod/"));
    var etcd = ((StoreSettings.Etcd) s.store()).etcd();
    assertThat(etcd.endpoints())
        .extracting(java.net.URI::toString)
        .containsExactly("http://10.0.0.1:2379", "http://10.0.0.2:2379");
    assertThat(etcd.prefix()).isEqualTo("/prod/");
    assertThat(etcd.memberTtl()).isEqualTo(Duration.ofSeconds(3));
    assertThat(etcd.timeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(etcd.maxTxnOps()).isEqualTo(128);
  }

  @Test
  void everyEtcdProblemIsReported() {
    assertThatThrownBy(
            () ->
                ServerSettings.load(
                    List.of(
                        "--store",
                        "etcd",
                        "--etcd-endpoints",
                        "ftp://x",
                        "--etcd-prefix",
                        "/no-slash",
                        "--etcd-member-ttl",
                        "1s",
                        "--etcd-username",
                        "cairn"),
                    Map.of()))
        .isInstanceOfSatisfying(
            SettingsException.class,
            e ->
                assertThat(e.problems())
                    .anySatisfy(p -> assertThat(p).contains("'ftp://x' is not an http://"))
                    .anySatisfy(p -> assertThat(p).startsWith("etcd.prefix: must end with '/'"))
                    .anySatisfy(p -> assertThat(p).contains("etcd.member-ttl must be at least"))
                    .anySatisfy(
                        p ->
                            assertThat(p).contains("etcd.username and etcd.password go together")));
  }

  @Test
  void typedValuesAreChecked() {
    assertThatThrownBy(
            () ->
                ServerSettings.load(
                    List.of("--log-level", "loud"), Map.of("CAIRN_LOG_FORMAT", "xml")))
        .isInstanceOfSatisfying(
            SettingsException.class,
            e ->
                assertThat(e.problems())
                    .containsExactlyInAnyOrder(
                        "log.level: 'loud' is not one of [trace, debug, info, warn, error]",
                        "log.format: 'xml' is not one of [text, json]"));
    assertThatThrownBy(() -> ServerSettings.load(List.of("--data-dir"), Map.of()))
        .hasMessageContaining("--data-dir needs a value");
  }

  @Test
  void dnsSettingsHaveDefaultsAndParseEveryForm() throws Exception {
    DnsSettings defaults = ServerSettings.load(List.of(), Map.of()).dns();
    assertThat(defaults.address()).isEqualTo("127.0.0.1");
    assertThat(defaults.port()).isEqualTo(8600);
    assertThat(defaults.domains()).containsExactly("cairn.");
    assertThat(defaults.ttl()).isZero();
    assertThat(defaults.recursors()).isEmpty();
    assertThat(defaults.onlyPassing()).isFalse();
    assertThat(defaults.udpBatch()).isEqualTo(DnsSettings.UdpBatch.AUTO);

    Path file = dir.resolve("dns.yaml");
    Files.writeString(
        file,
        """
        dns:
          domain: Consul.
          recursors: [127.0.0.1, "127.0.0.1:5353", "[::1]:53"]
          service-ttl: web=30s, batch-*=1m
        """);
    DnsSettings dns =
        ServerSettings.load(
                List.of(
                    "--config",
                    file.toString(),
                    "--dns-alt-domain",
                    "cairn.example",
                    "--dns-port",
                    "0",
                    "--dns-udp-batch",
                    "off"),
                Map.of("CAIRN_DNS_TTL", "5s", "CAIRN_DNS_ONLY_PASSING", "true"))
            .dns();
    assertThat(dns.domains()).containsExactly("consul.", "cairn.example.");
    assertThat(dns.port()).isZero();
    assertThat(dns.ttl()).isEqualTo(Duration.ofSeconds(5));
    assertThat(dns.onlyPassing()).isTrue();
    assertThat(dns.udpBatch()).isEqualTo(DnsSettings.UdpBatch.OFF);
    assertThat(dns.udpWorkers()).isEmpty();
    assertThat(dns.udpWorkersFor(true, 2)).isEqualTo(1);
    assertThat(dns.udpWorkersFor(true, 16)).isEqualTo(4);
    assertThat(dns.udpWorkersFor(false, 2)).isEqualTo(2);
    assertThat(
            ServerSettings.load(List.of("--dns-udp-workers", "3"), Map.of())
                .dns()
                .udpWorkersFor(true, 2))
        .isEqualTo(3);
    assertThat(dns.recursors())
        .extracting(InetSocketAddress::getPort)
        .containsExactly(53, 5353, 53);
    assertThat(dns.ttlOf("web")).isEqualTo(Duration.ofSeconds(30));
    assertThat(dns.ttlOf("batch-7")).isEqualTo(Duration.ofMinutes(1));
    assertThat(dns.ttlOf("other")).isEqualTo(Duration.ofSeconds(5));
  }

  @Test
  void theNodesMetaIsTheSameForTheHttpApiAndDns() {
    ServerSettings s = ServerSettings.load(List.of("--node-name", "n1"), Map.of());
    assertThat(s.http().node().meta())
        .containsExactly(Map.entry("consul-network-segment", ""))
        .isEqualTo(s.dns().node().meta());
  }

  @Test
  void badDnsSettingsAreAllReported() {
    assertThatThrownBy(
            () ->
                ServerSettings.load(
                    List.of(
                        "--dns-domain", "not a domain",
                        "--dns-ttl", "soon",
                        "--dns-service-ttl", "web:30s",
                        "--dns-recursors", "1.2.3.4:99999",
                        "--dns-only-passing", "yes",
                        "--dns-tcp-max-connections", "0",
                        "--dns-udp-workers", "0",
                        "--dns-udp-batch", "always"),
                    Map.of()))
        .isInstanceOfSatisfying(
            SettingsException.class,
            e ->
                assertThat(e.problems())
                    .hasSize(8)
                    .anySatisfy(p -> assertThat(p).startsWith("dns.domain: 'not a domain'"))
                    .anySatisfy(
                        p -> assertThat(p).isEqualTo("dns.udp-batch: 'always' is not auto or off"))
                    .anySatisfy(p -> assertThat(p).startsWith("dns.ttl: 'soon'"))
                    .anySatisfy(p -> assertThat(p).contains("has 'web:30s'"))
                    .anySatisfy(p -> assertThat(p).contains("has '1.2.3.4:99999'"))
                    .anySatisfy(p -> assertThat(p).startsWith("dns.only-passing: 'yes'"))
                    .anySatisfy(p -> assertThat(p).startsWith("dns.tcp-max-connections"))
                    .anySatisfy(
                        p ->
                            assertThat(p)
                                .isEqualTo(
                                    "dns.udp-workers: '0' is not auto or a whole number from 1"
                                        + " up")));
  }

  @Test
  void flagAndEnvironmentNamesDeriveFromTheKey() {
    Setting s = new Setting("http.max-body-size", "1", "");
    assertThat(s.flag()).isEqualTo("--http-max-body-size");
    assertThat(s.environmentVariable()).isEqualTo("CAIRN_HTTP_MAX_BODY_SIZE");
  }
}
