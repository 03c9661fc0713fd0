package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/** The real {@code dig} (BIND's, Debian package bind9-dnsutils) run against a local port. */
final class Dig {
  private Dig() {}

  /** Runs dig against 127.0.0.1:port; returns its output lines. */
  static List<String> query(int port, String name, String type, String... options)
      throws Exception {
    List<String> command =
        new ArrayList<>(
            List.of(
                binary().orElseThrow(), "@127.0.0.1", "-p", Integer.toString(port), name, type));
    command.addAll(List.of("+time=2", "+tries=1"));
    command.addAll(List.of(options));
    Process p = new ProcessBuilder(command).redirectErrorStream(true).start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(20, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).as(out).isZero();
    return out.lines().map(String::strip).filter(l -> !l.isEmpty()).toList();
  }

  static Optional<String> binary() {
    for (String dir : System.getenv().getOrDefault("PATH", "/usr/bin").split(":")) {
      Path candidate = Path.of(dir, "dig");
      if (Files.isExecutable(candidate)) {
        return Optional.of(candidate.toString());
      }
    }
    return Optional.empty();
  }
}
