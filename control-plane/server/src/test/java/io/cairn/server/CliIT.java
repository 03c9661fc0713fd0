package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.server.cli.Cli;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code cairn} client commands against the packaged server, as a user types them. */
class CliIT {
  @TempDir static Path dataDir;
  private static CairnProcess cairn;
  private static String address;

  @BeforeAll
  static void start() throws Exception {
    cairn = CairnProcess.server(dataDir);
    address = "127.0.0.1:" + cairn.awaitHttpPort(Duration.ofSeconds(30));
  }

  @AfterAll
  static void stop() throws Exception {
    cairn.terminate(Duration.ofSeconds(20));
  }

  private record Run(int status, String out, String err) {}

  private static Run cairn(String stdin, String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    Cli cli =
        new Cli(
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new ByteArrayInputStream(stdin.getBytes(StandardCharsets.UTF_8)),
            Map.of("CONSUL_HTTP_ADDR", address));
    int status = cli.run(List.of(args), new PrintStream(err, true, StandardCharsets.UTF_8));
    return new Run(
        status, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void registerListHealthMaintainAndDeregister(@TempDir Path tmp) throws Exception {
    Path file = tmp.resolve("web.json");
    Files.writeString(
        file,
        "{\"ID\":\"web-1\",\"Name\":\"web\",\"Address\":\"10.0.0.1\",\"Port\":8080,\"Tags\":[\"v1\"],"
            + "\"Check\":{\"CheckID\":\"web-1:ttl\",\"TTL\":\"30s\"}}");
    assertThat(cairn("", "register", file.toString()).status()).isZero();
    assertThat(
            cairn(
                    "{\"ID\":\"web-2\",\"Name\":\"web\",\"Address\":\"10.0.0.2\",\"Port\":8080}",
                    "register",
                    "-")
                .status())
        .isZero();

    Run services = cairn("", "services");
    assertThat(services.out()).contains("SERVICE").containsPattern("web\\s+v1");

    assertThat(cairn("", "check", "pass", "web-1:ttl", "--note", "ok").status()).isZero();
    Run health = cairn("", "health", "web");
    assertThat(health.out())
        .containsPattern("web-1\\s+10.0.0.1:8080\\s+passing")
        .containsPattern("web-2\\s+10.0.0.2:8080\\s+passing");

    assertThat(cairn("", "maint", "web-2", "on", "--reason", "upgrade").status()).isZero();
    assertThat(cairn("", "health", "web", "--passing").out())
        .contains("web-1")
        .doesNotContain("web-2");
    assertThat(cairn("", "health", "web", "--json").out()).contains("\"ServiceID\"");

    assertThat(cairn("", "deregister", "web-2").status()).isZero();
    Run missing = cairn("", "deregister", "web-2");
    assertThat(missing.status()).isEqualTo(1);
    assertThat(missing.err()).contains("unknown service instance id 'web-2'");
  }

  @Test
  void configAndIntentions(@TempDir Path tmp) throws Exception {
    assertThat(
            cairn(
                    "{\"Kind\":\"service-defaults\",\"Name\":\"api\",\"Protocol\":\"http\"}",
                    "config",
                    "write",
                    "-")
                .status())
        .isZero();
    assertThat(cairn("", "config", "read", "service-defaults", "api").out())
        .contains("\"Protocol\" : \"http\"");
    assertThat(cairn("", "config", "list", "service-defaults").out())
        .containsPattern("service-defaults\\s+api");
    Run bad =
        cairn(
            "{\"Kind\":\"service-splitter\",\"Name\":\"api\",\"Splits\":[{\"Weight\":50}]}",
            "config",
            "write",
            "-");
    assertThat(bad.status()).isEqualTo(1);
    assertThat(bad.err()).contains("add up to 100");

    assertThat(cairn("", "intention", "deny", "*", "api").status()).isZero();
    assertThat(cairn("", "intention", "allow", "web", "api").status()).isZero();
    assertThat(cairn("", "intention", "check", "web", "api").out()).contains("allowed");
    Run denied = cairn("", "intention", "check", "batch", "api");
    assertThat(denied.out()).contains("denied");
    assertThat(denied.status()).isEqualTo(1);
    assertThat(cairn("", "intention", "list").out()).containsPattern("web\\s+api\\s+allow\\s+9");
    assertThat(cairn("", "intention", "delete", "web", "api").status()).isZero();
    assertThat(cairn("", "config", "delete", "service-intentions", "api").status()).isZero();
  }

  @Test
  void usageErrorsAndUnreachableServer() {
    Run unknown = cairn("", "frobnicate");
    assertThat(unknown.status()).isEqualTo(2);
    assertThat(unknown.err()).contains("unknown command").contains("client commands");
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int status =
        new Cli(
                new PrintStream(new ByteArrayOutputStream()),
                new ByteArrayInputStream(new byte[0]),
                Map.of())
            .run(List.of("services", "--http-addr", "127.0.0.1:1"), new PrintStream(err));
    assertThat(status).isEqualTo(3);
    assertThat(err.toString()).contains("cannot reach Cairn");
  }
}
