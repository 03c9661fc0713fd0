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
 */
public record AdminHooks(
    TtlReports ttlReports, ConnectedProxies proxies, Supplier<String> scrape, String version) {
  public static final AdminHooks NONE =
      new AdminHooks(TtlReports.NONE, ConnectedProxies.NONE, () -> "", "dev");

  public AdminHooks {
    Objects.requireNonNull(ttlReports, "ttlReports");
    Objects.requireNonNull(proxies, "proxies");
    Objects.requireNonNull(scrape, "scrape");
    Objects.requireNonNull(version, "version");
  }
}
