package io.cairn.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * Runs {@code envoy-examples/demo.sh} as a user would (with this build's jars, its own ports and no
 * Envoy) and reads what it prints: the proxyless client's 90/10 then 50/50 split, the intention
 * flip in checks and in api's sidecar RBAC, the proxyless mTLS calls (the SPIFFE ID the server saw,
 * PERMISSION_DENIED while denied, no failed call across a CA rotation), and nothing left listening
 * afterwards.
 */
class DemoScriptIT {
  private static final Path SCRIPT = Path.of("../demo.sh").toAbsolutePath().normalize();
  private static final Pattern BY_VERSION = Pattern.compile("by version: v1=(\\d+) v2=(\\d+)");
  private static final Pattern ACROSS_ROTATION =
      Pattern.compile(
          "\n(\\d+) calls, (\\d+) failed \\((\\d+) on new connections\\); "
              + "the server presented (\\d+) certificates\n");
  private static final Pattern CALLED_BY =
      Pattern.compile(
          "3x OK: payments \\(payments-1\\), called by spiffe://[^/]+/ns/default/dc/dc1/svc/checkout\n");

  private record Run(int status, String output) {}

  private static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    }
  }

  private static boolean free(int port) {
    try (ServerSocket s = new ServerSocket()) {
      s.bind(new InetSocketAddress("127.0.0.1", port));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** A DEMO_PORT_OFFSET whose services' ports are free here (the script checks all of them). */
  private static int freeOffset() {
    for (int offset = 20000; offset < 30000; offset += 1000) {
      int o = offset;
      if (List.of(8080, 9001, 9002, 9003, 9101, 9102, 9191, 21000, 21001, 21002).stream()
          .allMatch(p -> free(p + o))) {
        return offset;
      }
    }
    throw new IllegalStateException("no free offset for the demo's ports");
  }

  private static Run run(Map<String, String> env) throws Exception {
    ProcessBuilder builder =
        new ProcessBuilder("bash", SCRIPT.toString())
            .directory(SCRIPT.getParent().getParent().toFile())
            .redirectErrorStream(true);
    builder.environment().put("CAIRN_JAR", System.getProperty("cairn.server.jar"));
    builder.environment().put("DEMO_JAR", System.getProperty("cairn.demo.jar"));
    builder.environment().put("ENVOY", ""); // not part of CI, even where Envoy is installed
    builder.environment().putAll(env);
    Process process = builder.start();
    StringBuilder output = new StringBuilder();
    Thread reader =
        Thread.ofVirtual()
            .start(
                () -> {
                  try (BufferedReader lines =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    for (String line; (line = lines.readLine()) != null; ) {
                      System.out.println("demo.sh | " + line);
                      synchronized (output) {
                        output.append(line).append('\n');
                      }
                    }
                  } catch (IOException e) {
                    // the process ended
                  }
                });
    if (!process.waitFor(8, TimeUnit.MINUTES)) {
      process.destroy(); // the script's trap stops what it started
      process.waitFor(30, TimeUnit.SECONDS);
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("demo.sh did not finish in 8 minutes:\n" + output);
    }
    reader.join(TimeUnit.SECONDS.toMillis(10));
    synchronized (output) {
      return new Run(process.exitValue(), output.toString());
    }
  }

  private static void assertClosed(int port) {
    assertThatThrownBy(() -> new Socket("127.0.0.1", port).close())
        .as("port %d after the demo", port)
        .isInstanceOf(ConnectException.class);
  }

  @Test
  void theDemoShowsTheSplitsTheIntentionFlipsAndMtlsThenStopsEverything() throws Exception {
    int http = freePort();
    int xds = freePort();
    int offset = freeOffset();
    Run run =
        run(
            Map.of(
                "CAIRN_HTTP_PORT", Integer.toString(http),
                "CAIRN_DNS_PORT", Integer.toString(freePort()),
                "CAIRN_XDS_PORT", Integer.toString(xds),
                "DEMO_PORT_OFFSET", Integer.toString(offset),
                "DEMO_CALLS", "1000"));
    String out = run.output();
    assertThat(run.status()).as(out).isZero();

    List<int[]> splits = new ArrayList<>();
    Matcher m = BY_VERSION.matcher(out);
    while (m.find()) {
      splits.add(new int[] {Integer.parseInt(m.group(1)), Integer.parseInt(m.group(2))});
    }
    assertThat(splits).as(out).hasSize(2);
    assertThat(splits.get(0)[0] + splits.get(0)[1]).isEqualTo(1000);
    assertThat(splits.get(0)[1]).as("v2's share of the 90/10 split").isBetween(60, 140);
    assertThat(splits.get(1)[0] + splits.get(1)[1]).isEqualTo(1000);
    assertThat(splits.get(1)[1]).as("v2's share of the 50/50 split").isBetween(400, 600);

    String denied = out.substring(out.indexOf("3b. Denying web -> api"));
    assertThat(out.substring(out.indexOf("3. Intentions"), out.indexOf("3b.")))
        .contains("$ cairn intention check web api\nallowed")
        .contains("$ cairn intention check billing api\ndenied")
        .contains("DENY  everything from any service except web   [1:*->api]")
        .doesNotContain("[0:web->api]");
    assertThat(denied)
        .contains("$ cairn intention check web api\ndenied")
        .contains("DENY  everything from web   [0:web->api]");
    assertThat(out.substring(out.indexOf("3c. Allowing")))
        .contains("$ cairn intention check web api\nallowed")
        .contains("skipping the sidecars")
        .contains("Done: every step passed");

    String mtls = out.substring(out.indexOf("5. The mesh with mTLS"), out.indexOf("5b. Denying"));
    assertThat(mtls)
        .contains("payments (payments-1): gRPC with mTLS on 127.0.0.1:" + (9003 + offset))
        .contains("3 calls to xds:///payments over mTLS: 3 OK")
        .containsPattern(CALLED_BY)
        .contains("the server's certificate: spiffe://")
        .contains("/svc/payments, serial ");
    assertThat(out.substring(out.indexOf("5b. Denying"), out.indexOf("5c. Allowing")))
        .contains("$ cairn intention deny checkout payments")
        .contains("3 calls to xds:///payments over mTLS: 3 PERMISSION_DENIED");
    assertThat(out.substring(out.indexOf("5c. Allowing"), out.indexOf("5d. Rotating")))
        .contains("3 calls to xds:///payments over mTLS: 3 OK")
        .containsPattern(CALLED_BY);
    String rotation = out.substring(out.indexOf("5d. Rotating"));
    assertThat(rotation).contains("wrote ca.pem: 2 roots, active ");
    Matcher across = ACROSS_ROTATION.matcher(rotation);
    assertThat(across.find()).as(rotation).isTrue();
    assertThat(Integer.parseInt(across.group(1))).as("calls across the rotation").isPositive();
    assertThat(across.group(2)).as("failed calls across the rotation").isEqualTo("0");
    assertThat(Integer.parseInt(across.group(3))).as("new connections").isPositive();
    assertThat(Integer.parseInt(across.group(4)))
        .as("payments' certificates, before and after")
        .isGreaterThanOrEqualTo(2);

    for (int port :
        List.of(http, xds, 9001 + offset, 9002 + offset, 8080 + offset, 9003 + offset)) {
      assertClosed(port);
    }
  }

  @Test
  void aPortInUseStopsTheDemoBeforeItStartsAnything() throws Exception {
    try (ServerSocket taken = new ServerSocket()) {
      taken.bind(new InetSocketAddress("127.0.0.1", 0));
      int port = taken.getLocalPort();
      Run run =
          run(
              Map.of(
                  "CAIRN_HTTP_PORT", Integer.toString(freePort()),
                  "CAIRN_XDS_PORT", Integer.toString(port)));
      assertThat(run.status()).as(run.output()).isEqualTo(1);
      assertThat(run.output())
          .contains("demo: FAILED: port " + port + " is in use")
          .doesNotContain("Starting Cairn");
    }
    assertThat(Files.isExecutable(SCRIPT)).as("demo.sh is executable").isTrue();
  }
}
