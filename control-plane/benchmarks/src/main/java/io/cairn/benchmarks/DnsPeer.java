package io.cairn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;

/**
 * A C authoritative DNS server serving the zone Cairn's answers describe, in the foreground on a
 * loopback port with its own config, zone, pid and log files in a directory: never the system
 * service. What differs from one server to the other (its program, config and command line) is a
 * {@link Server}.
 */
final class DnsPeer implements AutoCloseable {
  /**
   * One server program, how it is configured and started.
   *
   * @param name its name in the report, of its files and of its Debian package: {@code nsd}
   * @param program the program looked for on PATH
   * @param versionOption the option that prints its version
   * @param foreground options before {@code -c <config>} that keep it in the foreground
   * @param workers what answers UDP, after the count in the report: "server processes, rrl off"
   * @param config its config file's text
   */
  record Server(
      String name,
      String program,
      String versionOption,
      List<String> foreground,
      String workers,
      Config config) {
    Server {
      if (name.isBlank() || program.isBlank() || versionOption.isBlank()) {
        throw new IllegalArgumentException(
            "a DNS peer needs a name, a program and a version option");
      }
      foreground = List.copyOf(foreground);
    }

    /** The command running it with the config file {@code file}. */
    List<String> command(String executable, Path file) {
      List<String> command = new ArrayList<>(List.of(executable));
      command.addAll(foreground);
      command.addAll(List.of("-c", file.toString()));
      return command;
    }
  }

  /** A server's config file. */
  interface Config {
    /**
     * The text: on 127.0.0.1:{@code port} with {@code workers} processes or threads answering UDP,
     * response rate limiting off, the zone {@code cairn.} from {@code dir/cairn.zone}, its log in
     * {@code dir/<name>.log} and every other file it writes in {@code dir}.
     */
    String text(Path dir, int port, int workers);
  }

  /** One registered instance: service {@code service}, address {@code ip}, {@code port}. */
  record Instance(String service, byte[] ip, int port) {
    String dotted() {
      return (ip[0] & 0xff) + "." + (ip[1] & 0xff) + "." + (ip[2] & 0xff) + "." + (ip[3] & 0xff);
    }

    /** Cairn's SRV target label: {@code <hex-ip>} of {@code <hex-ip>.addr.<domain>}. */
    String hex() {
      return HexFormat.of().formatHex(ip);
    }
  }

  private final Server server;
  private final Process process;
  private final Path dir;
  private final int port;

  private DnsPeer(Server server, Process process, Path dir, int port) {
    this.server = server;
    this.process = process;
    this.dir = dir;
    this.port = port;
  }

  /**
   * The zone {@code cairn.} with what Cairn answers for every instance: A and SRV (priority 1,
   * weight 1) at {@code <service>.service}, and A at each SRV target {@code <hex-ip>.addr}.
   */
  static String zone(List<Instance> instances) {
    StringBuilder z =
        new StringBuilder(
            """
            $ORIGIN cairn.
            $TTL 0
            @ IN SOA ns.cairn. hostmaster.cairn. 1 3600 600 86400 0
            @ IN NS ns.cairn.
            ns IN A 127.0.0.1
            """);
    for (Instance i : instances) {
      String owner = i.service() + ".service";
      z.append(owner).append(" IN A ").append(i.dotted()).append('\n');
      z.append(owner).append(" IN SRV 1 1 ").append(i.port()).append(' ').append(i.hex());
      z.append(".addr\n");
      z.append(i.hex()).append(".addr IN A ").append(i.dotted()).append('\n');
    }
    return z.toString();
  }

  /**
   * Writes the zone and {@code server}'s config into {@code dir} and starts {@code program} on
   * 127.0.0.1:{@code port} with {@code workers}; its output goes to {@code dir/<name>.out}.
   */
  static DnsPeer start(
      Server server, String program, Path dir, int port, int workers, List<Instance> instances)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("cairn.zone"), zone(instances));
    Path config = dir.resolve(server.name() + ".conf");
    Files.writeString(config, server.config().text(dir, port, workers));
    Process p =
        new ProcessBuilder(server.command(program, config))
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve(server.name() + ".out").toFile())
            .start();
    return new DnsPeer(server, p, dir, port);
  }

  String name() {
    return server.name();
  }

  int port() {
    return port;
  }

  Process process() {
    return process;
  }

  /** The end of the server's output and log, for errors. */
  String log() {
    return Host.tail(dir.resolve(name() + ".out"), 20)
        + "\n"
        + Host.tail(dir.resolve(name() + ".log"), 20);
  }

  @Override
  public void close() throws Exception {
    Host.stop(process, name(), Duration.ofSeconds(10));
  }
}
