package io.cairn.admin.xds;

import java.util.List;

/** Where the admin API learns which xDS clients are connected; the xDS server provides it. */
@FunctionalInterface
public interface ConnectedProxies {
  /** For a process without an xDS server. */
  ConnectedProxies NONE = List::of;

  List<ConnectedProxy> list();
}
