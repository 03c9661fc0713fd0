package io.cairn.admin;

import io.cairn.admin.consul.NodeIdentity;
import io.cairn.admin.http.HttpLimits;
import io.cairn.registry.acl.AclSettings;
import io.cairn.registry.config.IntentionAction;
import java.util.Objects;
import java.util.Optional;

/**
 * What the admin API needs to know, read by {@code main} and handed over.
 *
 * @param address interface to listen on
 * @param port TCP port (0 picks a free one)
 * @param maxBodyBytes larger request bodies get 413
 * @param acl whether ACLs are on, the default policy, and the configured management token
 * @param node the Consul node identity shown in responses
 * @param intentionsDefault what an intention check answers when nothing matches
 * @param limits blocking-query and per-client write limits
 */
public record AdminSettings(
    String address,
    int port,
    long maxBodyBytes,
    AclSettings acl,
    NodeIdentity node,
    IntentionAction intentionsDefault,
    HttpLimits limits) {
  public AdminSettings {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(acl, "acl");
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(intentionsDefault, "intentionsDefault");
    if (maxBodyBytes < 1) {
      throw new IllegalArgumentException("maxBodyBytes must be positive");
    }
  }

  /**
   * With ACLs off, or on with deny by default and {@code managementToken} able to do everything
   * (tests, benchmarks).
   */
  public AdminSettings(
      String address,
      int port,
      long maxBodyBytes,
      Optional<String> managementToken,
      NodeIdentity node,
      IntentionAction intentionsDefault,
      HttpLimits limits) {
    this(
        address,
        port,
        maxBodyBytes,
        managementToken.map(AclSettings::denyByDefault).orElse(AclSettings.OFF),
        node,
        intentionsDefault,
        limits);
  }

  /** With the default limits (tests, benchmarks). */
  public AdminSettings(
      String address,
      int port,
      long maxBodyBytes,
      Optional<String> managementToken,
      NodeIdentity node,
      IntentionAction intentionsDefault) {
    this(address, port, maxBodyBytes, managementToken, node, intentionsDefault, HttpLimits.DEFAULT);
  }
}
