package io.cairn.server;

import java.io.File;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One {@code cairn <args>} run as its own process from the packaged jar, as a user types it: its
 * exit status and what it printed. The test's own {@code CAIRN_*} and {@code CONSUL_*} variables
 * are removed, so only {@code address} and {@code env} reach it.
 */
record CliRun(int status, String out, String err) {
  static CliRun run(String address, Map<String, String> env, String stdin, String... args)
      throws Exception {
    String java = ProcessHandle.current().info().command().orElse("java");
    List<String> command =
        new ArrayList<>(
            List.of(
                java, "-XX:TieredStopAtLevel=1", "-jar", System.getProperty("cairn.server.jar")));
    command.addAll(List.of(args));
    File out = File.createTempFile("cairn-cli", ".out");
    File err = File.createTempFile("cairn-cli", ".err");
    try {
      ProcessBuilder pb = new ProcessBuilder(command).redirectOutput(out).redirectError(err);
      pb.environment().keySet().removeIf(k -> k.startsWith("CAIRN_") || k.startsWith("CONSUL_"));
      pb.environment().put("CAIRN_HTTP_ADDR", address);
      pb.environment().putAll(env);
      Process p = pb.start();
      try (OutputStream in = p.getOutputStream()) {
        in.write(stdin.getBytes(StandardCharsets.UTF_8));
      }
      if (!p.waitFor(60, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        throw new AssertionError("cairn " + String.join(" ", args) + " did not finish");
      }
      return new CliRun(
          p.exitValue(),
          Files.readString(out.toPath(), StandardCharsets.UTF_8),
          Files.readString(err.toPath(), StandardCharsets.UTF_8));
    } finally {
      out.delete();
      err.delete();
    }
  }
}
