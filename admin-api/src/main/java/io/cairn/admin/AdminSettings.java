package io.cairn.admin;

import io.cairn.admin.consul.NodeIdentity;
import io.cairn.admin.http.HttpLimits;
import java.util.Objects;

/**
 * What the admin API needs to know, read by {@code main} and handed over.
 *
 * @param address interface to listen on
 * @param port TCP port (0 picks a free one)
 * @param maxBodyBytes larger request bodies get 413
 * @param node the Consul node identity shown in responses
 * @param limits blocking-query and per-client write limits
 */
public record AdminSettings(
    String address, int port, long maxBodyBytes, NodeIdentity node, HttpLimits limits) {
  public AdminSettings {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(node, "node");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
  }

  /** With the default limits (tests, benchmarks). */
  public AdminSettings(String address, int port, long maxBodyBytes, NodeIdentity node) {
    this(address, port, maxBodyBytes, node, HttpLimits.DEFAULT);
  }
}
