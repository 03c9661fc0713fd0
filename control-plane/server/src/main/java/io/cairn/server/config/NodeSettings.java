package io.cairn.server.config;

import java.util.Map;
import java.util.Objects;

/**
 * How Cairn presents itself to Consul clients.
 *
 * @param name node name
 * @param datacenter datacenter name
 * @param advertiseAddress the node's address; empty means the HTTP listen address (or 127.0.0.1
 *     when that is a wildcard)
 */
public record NodeSettings(String name, String datacenter, String advertiseAddress) {
  /** What every Consul agent puts in its node's meta; Cairn's node has nothing else. */
  private static final Map<String, String> META = Map.of("consul-network-segment", "");

  public NodeSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datacenter, "datacenter");
    Objects.requireNonNull(advertiseAddress, "advertiseAddress");
  }

  /**
   * The node's metadata: the one source of what the HTTP API shows as the node's {@code Meta} and
   * DNS answers as its TXT records.
   */
  public Map<String, String> meta() {
    return META;
  }
}
