package io.cairn.admin;

import io.cairn.admin.agent.TtlReports;
import io.cairn.admin.xds.ConnectedProxies;
import java.util.Objects;

/**
 * What the admin API needs from the rest of the process besides the registry: where TTL reports go
 * and where connected xDS clients come from. The server wires these; tests may use {@link #NONE}.
 */
public record AdminHooks(TtlReports ttlReports, ConnectedProxies proxies) {
  public static final AdminHooks NONE = new AdminHooks(TtlReports.NONE, ConnectedProxies.NONE);

  public AdminHooks {
    Objects.requireNonNull(ttlReports, "ttlReports");
    Objects.requireNonNull(proxies, "proxies");
  }
}
