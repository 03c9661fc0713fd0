package io.cairn.benchmarks;

import java.nio.file.Path;
import java.util.List;

/**
 * NSD (NLnet Labs' authoritative server, Debian package nsd) as a {@link DnsPeer}: {@code nsd -d}
 * with {@code server-count} processes sharing the port ({@code reuseport}), response rate limiting
 * off (Debian's NSD caps a source at 200 replies per second, which would cap a load test).
 */
final class NsdPeer {
  static final DnsPeer.Server SERVER =
      new DnsPeer.Server(
          "nsd", "nsd", "-v", List.of("-d"), "server processes, rrl off", NsdPeer::config);

  private NsdPeer() {}

  private static String config(Path dir, int port, int workers) {
    return """
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
        .formatted(dir, port, workers);
  }
}
