package io.cairn.server.config;

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
  public NodeSettings {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(datacenter, "datacenter");
    Objects.requireNonNull(advertiseAddress, "advertiseAddress");
  }
}
