package io.cairn.admin;

import io.cairn.admin.agent.TtlReports;
import io.cairn.admin.xds.ConnectedProxies;
import java.util.Objects;
import java.util.function.Supplier;

/**
 * What the admin API needs from the rest of the process besides the core collaborators: where TTL
 * reports go, where connected xDS clients come from, the metrics text and the version it reports.
 * The server wires these; tests may use {@link #NONE}.
 *
 * @param scrape Prometheus text of every meter, for the metrics endpoint
 * @param version the version shown by the agent and UI endpoints
 * @param xds where the xDS server listens, shown by {@code /v1/agent/self}
 */
public record AdminHooks(
    TtlReports ttlReports,
    ConnectedProxies proxies,
    Supplier<String> scrape,
    String version,
    XdsPorts xds) {
  public static final AdminHooks NONE =
      new AdminHooks(TtlReports.NONE, ConnectedProxies.NONE, () -> "", "dev", XdsPorts.NONE);

  /** The xDS server's gRPC port, plaintext or TLS; -1 where there is none, as Consul shows it. */
  public record XdsPorts(int plaintext, int tls) {
    public static final XdsPorts NONE = new XdsPorts(-1, -1);

    public XdsPorts {
      if (plaintext < -1 || plaintext > 65535 || tls < -1 || tls > 65535) {
        throw new IllegalArgumentException("ports must be -1 or 0-65535");
      }
    }

    /** The one port, on TLS or not. */
    public static XdsPorts of(int port, boolean tls) {
      return tls ? new XdsPorts(-1, port) : new XdsPorts(port, -1);
    }
  }

  public AdminHooks {
    Objects.requireNonNull(ttlReports, "ttlReports");
    Objects.requireNonNull(proxies, "proxies");
    Objects.requireNonNull(scrape, "scrape");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(xds, "xds");
  }
}
