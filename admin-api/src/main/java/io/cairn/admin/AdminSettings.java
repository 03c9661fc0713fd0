package io.cairn.admin;

import io.cairn.admin.consul.NodeIdentity;
import io.cairn.admin.http.HttpLimits;
import io.cairn.registry.config.IntentionAction;
import java.util.Objects;
import java.util.Optional;

/**
 * What the admin API needs to know, read by {@code main} and handed over.
 *
 * @param address interface to listen on
 * @param port TCP port (0 picks a free one)
 * @param maxBodyBytes larger request bodies get 413
 * @param aclToken when present, writes must carry this token
 * @param node the Consul node identity shown in responses
 * @param intentionsDefault what an intention check answers when nothing matches
 * @param limits blocking-query and per-client write limits
 */
public record AdminSettings(
    String address,
    int port,
    long maxBodyBytes,
    Optional<String> aclToken,
    NodeIdentity node,
    IntentionAction intentionsDefault,
    HttpLimits limits) {
  public AdminSettings {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(aclToken, "aclToken");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(intentionsDefault, "intentionsDefault");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
  }

  /** With the default limits (tests, benchmarks). */
  public AdminSettings(
      String address,
      int port,
      long maxBodyBytes,
      Optional<String> aclToken,
      NodeIdentity node,
      IntentionAction intentionsDefault) {
    this(address, port, maxBodyBytes, aclToken, node, intentionsDefault, HttpLimits.DEFAULT);
  }
}
