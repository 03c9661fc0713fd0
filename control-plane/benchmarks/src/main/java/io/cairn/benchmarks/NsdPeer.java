package io.cairn.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;

/**
 * NSD (NLnet Labs' authoritative server, Debian package nsd) serving the zone Cairn's answers
 * describe, in the foreground on a loopback port with its own config, pid and zone files in a
 * directory: never the system service.
 */
final class NsdPeer implements AutoCloseable {
  private final Process process;
  private final Path dir;

  private NsdPeer(Process process, Path dir) {
    this.process = process;
    this.dir = dir;
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
   * Starts {@code nsd -d} with {@code servers} processes on 127.0.0.1:{@code port}, response rate
   * limiting off (it would cap a load test at 200 replies per second).
   */
  static NsdPeer start(String nsd, Path dir, int port, int servers, List<Instance> instances)
      throws IOException {
    Files.createDirectories(dir);
    Files.writeString(dir.resolve("cairn.zone"), zone(instances));
    String conf =
        """
        server:
          ip-address: 127.0.0.1@%2$d
          server-count: %3$d
          reuseport: yes
          database: ""
          zonesdir: "%1$s"
          pidfile: "%1$s/nsd.pid"
          xfrdfile: "%1$s/xfrd.state"
          zonelistfile: "%1$s/zone.list"
          xfrdir: "%1$s"
          logfile: "%1$s/nsd.log"
          username: ""
          chroot: ""
          verbosity: 1
          hide-version: yes
          rrl-ratelimit: 0
          rrl-whitelist-ratelimit: 0
        remote-control:
          control-enable: no
        zone:
          name: cairn.
          zonefile: cairn.zone
        """
            .formatted(dir, port, servers);
    Path file = dir.resolve("nsd.conf");
    Files.writeString(file, conf);
    Process p =
        new ProcessBuilder(nsd, "-d", "-c", file.toString())
            .redirectErrorStream(true)
            .redirectOutput(dir.resolve("nsd.out").toFile())
            .start();
    return new NsdPeer(p, dir);
  }

  Process process() {
    return process;
  }

  /** The end of NSD's output and log, for errors. */
  String log() {
    return Host.tail(dir.resolve("nsd.out"), 20) + "\n" + Host.tail(dir.resolve("nsd.log"), 20);
  }

  @Override
  public void close() throws Exception {
    Host.stop(process, "nsd", Duration.ofSeconds(10));
  }
}
