package io.cairn.benchmarks;

import java.nio.file.Path;
import java.util.List;

/**
 * Knot DNS (CZ.NIC's authoritative server, Debian package knot) as a {@link DnsPeer}: {@code knotd}
 * in the foreground with {@code udp-workers} threads, each on its own socket (Knot uses {@code
 * SO_REUSEPORT} on Linux), one TCP worker (TCP only carries the benchmark's checks), no journal and
 * no zone file write-back. Knot limits no rates unless its {@code rrl} module is configured, and it
 * is not; it runs as the user that starts it.
 */
final class KnotPeer {
  static final DnsPeer.Server SERVER =
      new DnsPeer.Server(
          "knot", "knotd", "-V", List.of(), "UDP worker threads, no rrl", KnotPeer::config);

  private KnotPeer() {}

  private static String config(Path dir, int port, int workers) {
    return """
        server:
          rundir: "%1$s"
          pidfile: "%1$s/knot.pid"
          listen: 127.0.0.1@%2$d
          udp-workers: %3$d
          tcp-workers: 1
          background-workers: 1
          version: ""
        log:
          - target: "%1$s/knot.log"
            any: info
        database:
          storage: "%1$s"
        control:
          listen: "%1$s/knot.sock"
        zone:
          - domain: cairn.
            storage: "%1$s"
            file: cairn.zone
            journal-content: none
            zonefile-sync: -1
        """
        .formatted(dir, port, workers);
  }
}
