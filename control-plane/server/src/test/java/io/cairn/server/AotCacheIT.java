package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code bin/cairn-aot} as a user runs it (JDK 25 or newer): it trains a cache, and {@code
 * bin/cairn server} then starts with it, and without it when told to or when the jar is newer.
 * Start-up times are printed, not asserted (a loaded machine makes any bound flaky).
 */
class AotCacheIT {
  private static final Pattern SUMMARY =
      Pattern.compile("start-up to ready: (\\d+) ms without it, (\\d+) ms with it");
  private static Path root;

  @BeforeAll
  static void jdk25() throws Exception {
    Path dir = Path.of("").toAbsolutePath();
    while (!Files.isRegularFile(dir.resolve("bin/cairn-aot"))) {
      dir = dir.getParent();
    }
    root = dir;
    Run major =
        run(
            List.of(
                "bash",
                "-c",
                ". bin/jdk.sh && cairn_use_jdk21 >/dev/null && cairn_java_major \"$JAVA_HOME\""),
            Map.of(),
            Duration.ofSeconds(30));
    assumeTrue(
        Integer.parseInt(major.output().strip()) >= 25,
        "AOT caches need JDK 25; bin/cairn runs " + major.output().strip());
  }

  @Test
  void theTrainedCacheIsUsedUntilTheJarChanges(@TempDir Path tmp) throws Exception {
    Run trained = run(List.of("bin/cairn-aot"), Map.of(), Duration.ofMinutes(5));
    assertThat(trained.exit()).as(trained.output()).isZero();
    Matcher m = SUMMARY.matcher(trained.output());
    assertThat(m.find()).as(trained.output()).isTrue();
    System.out.println("bin/cairn-aot: " + m.group());
    Path cache = root.resolve("control-plane/server/target/cairn.aot");
    assertThat(Files.size(cache)).isPositive();
    Run jdk =
        run(
            List.of("bash", "-c", ". bin/jdk.sh && cairn_use_jdk21 >/dev/null && cairn_jdk_id"),
            Map.of(),
            Duration.ofSeconds(30));
    assertThat(Files.readString(cache.resolveSibling("cairn.aot.jdk"))).isEqualTo(jdk.output());

    assertThat(serverOutput(tmp.resolve("a"), Map.of())).contains("Opened AOT cache");
    assertThat(serverOutput(tmp.resolve("b"), Map.of("CAIRN_AOT", "off")))
        .doesNotContain("Opened AOT cache");

    // A rebuilt jar makes the cache stale: the server starts without it, and without the JVM's
    // complaints about a mismatched cache.
    Path jar = root.resolve("control-plane/server/target/cairn.jar");
    Files.setLastModifiedTime(jar, FileTime.from(Instant.now().plusSeconds(1)));
    String stale = serverOutput(tmp.resolve("c"), Map.of());
    assertThat(stale).doesNotContain("Opened AOT cache").doesNotContain("[error");
  }

  /** Starts {@code bin/cairn server} with the JVM's AOT log on, until ready; its output. */
  private static String serverOutput(Path dataDir, Map<String, String> env) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder(
                "bin/cairn",
                "server",
                "--data-dir",
                dataDir.toString(),
                "--http-port",
                "0",
                "--dns-port",
                "0",
                "--xds-port",
                "0")
            .directory(root.toFile())
            .redirectErrorStream(true)
            .redirectOutput(dataDir.resolveSibling(dataDir.getFileName() + ".log").toFile());
    pb.environment().put("CAIRN_JAVA_OPTS", "-Xlog:aot=info");
    pb.environment().putAll(env);
    Path log = dataDir.resolveSibling(dataDir.getFileName() + ".log");
    Process p = pb.start();
    try {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(90);
      while (true) {
        String out = Files.exists(log) ? Files.readString(log) : "";
        if (out.contains("cairn ready")) {
          return out;
        }
        assertThat(p.isAlive()).as("the server exited:\n" + out).isTrue();
        assertThat(System.nanoTime()).as("not ready in 90 s:\n" + out).isLessThan(deadline);
        Thread.sleep(100);
      }
    } finally {
      p.destroy();
      if (!p.waitFor(30, TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private record Run(int exit, String output) {}

  private static Run run(List<String> command, Map<String, String> env, Duration timeout)
      throws IOException, InterruptedException {
    ProcessBuilder pb = new ProcessBuilder(command).directory(root.toFile());
    pb.environment().putAll(env);
    Process p = pb.redirectErrorStream(true).start();
    String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (!p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      p.destroyForcibly();
      throw new AssertionError("timed out: " + command + "\n" + output);
    }
    return new Run(p.exitValue(), output);
  }
}
