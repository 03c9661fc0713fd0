package io.cairn.xds.translate;

import java.util.List;

/**
 * Where a source service's connections come from, as RBAC can match them.
 *
 * @param ips the IP literals of its instances and of their sidecars
 * @param unmatchable how many of those instances have no IP address (a hostname or none), so their
 *     connections cannot be told apart from anyone else's
 */
public record SourceAddresses(List<String> ips, int unmatchable) {
  public static final SourceAddresses NONE = new SourceAddresses(List.of(), 0);

  public SourceAddresses {
    ips = List.copyOf(ips);
    if (unmatchable < 0) {
      throw new IllegalArgumentException("unmatchable must be >= 0, was " + unmatchable);
    }
  }
}
