package io.cairn.server;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * The packaged server ({@code target/cairn.jar}) run as a real process, its output collected line
 * by line, for tests that start, signal and kill Cairn as an operator would.
 */
public final class CairnProcess implements AutoCloseable {
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private CairnProcess(Process process) {
    this.process = process;
    this.reader =
        Thread.ofPlatform()
            .daemon()
            .start(
                () -> {
                  try (BufferedReader in =
                      new BufferedReader(
                          new InputStreamReader(
                              process.getInputStream(), StandardCharsets.UTF_8))) {
                    String line;
                    while ((line = in.readLine()) != null) {
                      lines.add(line);
                    }
                  } catch (java.io.IOException e) {
                    // The process ended.
                  }
                });
  }

  /** Starts {@code java -jar cairn.jar <args>} with stderr merged into stdout. */
  public static CairnProcess start(List<String> args) throws java.io.IOException {
    return start(List.of(), args);
  }

  /**
   * Starts {@code <wrapper...> java -jar cairn.jar <args>}: a wrapper that execs its command, such
   * as {@code fiu-run -x} or {@code strace -f -o FILE}, so that the process is the server's JVM.
   */
  public static CairnProcess start(List<String> wrapper, List<String> args)
      throws java.io.IOException {
    String jar = System.getProperty("cairn.server.jar");
    if (jar == null || !Path.of(jar).toFile().isFile()) {
      throw new IllegalStateException("cairn.server.jar not set or missing: " + jar);
    }
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command = new ArrayList<>(wrapper);
    command.addAll(List.of(java, "--enable-native-access=ALL-UNNAMED", "-jar", jar));
    command.addAll(args);
    // Tests pick free ports; a fixed xDS port would clash with anything else on the machine.
    if (!args.isEmpty() && args.getFirst().equals("server") && !args.contains("--xds-port")) {
      command.addAll(List.of("--xds-port", "0"));
    }
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    pb.environment().keySet().removeIf(k -> k.startsWith("CAIRN_"));
    return new CairnProcess(pb.start());
  }

  /**
   * Starts {@code cairn server} on {@code dataDir} with the admin API and DNS on free ports (so
   * tests never collide with each other or with a Cairn on the default ports), then {@code extra}.
   */
  public static CairnProcess server(Path dataDir, String... extra) throws java.io.IOException {
    List<String> args =
        new ArrayList<>(
            List.of(
                "server", "--data-dir", dataDir.toString(), "--http-port", "0", "--dns-port", "0"));
    args.addAll(List.of(extra));
    return start(args);
  }

  /** Waits until a line matches, failing with the output so far if it does not come in time. */
  public String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : lines) {
        if (matches.test(line)) {
          return line;
        }
      }
      if (!process.isAlive() && !reader.isAlive()) {
        break;
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no matching line within " + timeout + "; output:\n" + output());
  }

  /** Waits for "admin API listening" and returns the port it logged. */
  public int awaitHttpPort(Duration timeout) throws InterruptedException {
    return awaitLoggedPort("admin API listening", "port", timeout);
  }

  /** Waits for "DNS listening" and returns the UDP port it logged (TCP's is the same). */
  public int awaitDnsPort(Duration timeout) throws InterruptedException {
    return awaitLoggedPort("DNS listening", "udp-port", timeout);
  }

  /** Waits for "xDS listening" and returns the port it logged. */
  public int awaitXdsPort(Duration timeout) throws InterruptedException {
    return awaitLoggedPort("xDS listening", "port", timeout);
  }

  private int awaitLoggedPort(String message, String key, Duration timeout)
      throws InterruptedException {
    String line = awaitLine(l -> l.contains(message), timeout);
    java.util.regex.Matcher m =
        java.util.regex.Pattern.compile("\\b" + key + "=\"?(\\d+)").matcher(line);
    if (!m.find()) {
      throw new AssertionError("no " + key + " in: " + line);
    }
    return Integer.parseInt(m.group(1));
  }

  /** Sends SIGKILL: no shutdown hook runs, nothing is flushed. */
  public int kill(Duration timeout) throws InterruptedException {
    process.toHandle().destroyForcibly();
    return awaitExit(timeout);
  }

  public String output() {
    return String.join("\n", lines);
  }

  public long pid() {
    return process.pid();
  }

  /** Sends SIGTERM and waits for the exit code. */
  public int terminate(Duration timeout) throws InterruptedException {
    // Process.destroy() would also close our end of its stdout and lose the shutdown log.
    process.toHandle().destroy();
    return awaitExit(timeout);
  }

  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
      throw new AssertionError("cairn did not exit within " + timeout + "; output:\n" + output());
    }
    reader.join(5_000);
    return process.exitValue();
  }

  @Override
  public void close() {
    // A wrapper such as strace does not take its child with it.
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
