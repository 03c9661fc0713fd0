package io.cairn.xds.server;

import io.cairn.ca.MeshCa;
import io.cairn.registry.Core;
import io.cairn.tls.ServerTls;
import io.cairn.xds.pgv.CheckedResponses;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * How the integration tests start Cairn's xDS server: every response it sends is checked against
 * Envoy's rules ({@link CheckedResponses}), whichever client asked.
 */
final class CheckedXds {
  private CheckedXds() {}

  static XdsServer start(XdsSettings settings, Core core, Optional<ServerTls> tls) {
    return start(settings, core, tls, List.of());
  }

  /** With more callbacks of the test's own. */
  static XdsServer start(
      XdsSettings settings,
      Core core,
      Optional<ServerTls> tls,
      List<DiscoveryServerCallbacks> more) {
    return start(settings, core, mesh(core), tls, more);
  }

  /** With the CA and leaves of the test's own (its clock, say). */
  static XdsServer start(
      XdsSettings settings,
      Core core,
      MeshCa mesh,
      Optional<ServerTls> tls,
      List<DiscoveryServerCallbacks> more) {
    List<DiscoveryServerCallbacks> all = new ArrayList<>(more);
    all.add(CheckedResponses.INSTANCE);
    return XdsServer.start(settings, core, mesh, tls, all);
  }

  /** The CA of {@code core}'s registry, issuing leaves in dc1 by the system clock. */
  static MeshCa mesh(Core core) {
    return MeshCa.start(core.registry(), "dc1", Clock.systemUTC());
  }
}
