package io.cairn.example.spring;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** {@code java -jar JAR ARGS} as a child process, its merged output collected line by line. */
final class JarProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final List<String> lines = new CopyOnWriteArrayList<>();
  private final Thread reader;

  private JarProcess(String name, Process process) {
    this.name = name;
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
                  } catch (IOException e) {
                    // The process ended.
                  }
                });
  }

  /** Starts the jar named by the system property {@code jarProperty} with this JVM's java. */
  static JarProcess start(String name, String jarProperty, List<String> jvmArgs, List<String> args)
      throws IOException {
    String jar = System.getProperty(jarProperty);
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException(jarProperty + " not set or missing: " + jar);
    }
    List<String> command = new ArrayList<>();
    command.add(ProcessHandle.current().info().command().orElse("java"));
    command.addAll(jvmArgs);
    command.addAll(List.of("-jar", jar));
    command.addAll(args);
    ProcessBuilder pb = new ProcessBuilder(command).redirectErrorStream(true);
    // Neither child may pick up settings from the environment this build runs in.
    pb.environment().keySet().removeIf(k -> k.startsWith("CAIRN_") || k.startsWith("SPRING_"));
    return new JarProcess(name, pb.start());
  }

  /** Waits until a line matches, failing with the output so far if it does not come in time. */
  String awaitLine(Predicate<String> matches, Duration timeout) throws InterruptedException {
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
      Thread.sleep(50);
    }
    throw new AssertionError(
        name + ": no matching line within " + timeout + "; output:\n" + output());
  }

  /** Waits for a line containing {@code message} and returns the number after {@code key=}. */
  int awaitLoggedPort(String message, String key, Duration timeout) throws InterruptedException {
    String line = awaitLine(l -> l.contains(message), timeout);
    Matcher m = Pattern.compile("\\b" + key + "=\"?(\\d+)").matcher(line);
    if (!m.find()) {
      throw new AssertionError(name + ": no " + key + " in: " + line);
    }
    return Integer.parseInt(m.group(1));
  }

  String output() {
    return String.join("\n", lines);
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** Sends SIGTERM (a graceful shutdown) and waits for the process to end. */
  void terminate(Duration timeout) throws InterruptedException {
    process.toHandle().destroy();
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      close();
      throw new AssertionError(name + " did not exit within " + timeout + "; output:\n" + output());
    }
  }

  @Override
  public void close() {
    process.descendants().forEach(ProcessHandle::destroyForcibly);
    process.destroyForcibly();
  }
}
