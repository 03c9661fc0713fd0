package io.cairn.server.config;

import io.cairn.admin.http.HttpLimits;
import io.cairn.registry.acl.AclSettings;
import java.util.Objects;

/**
 * Admin API settings.
 *
 * @param address listen address
 * @param port listen port (0 picks a free one)
 * @param maxBodySize largest accepted request body in bytes
 * @param acl whether ACLs are on, their default policy and the management token
 * @param intentionsDefault answer of an intention check when nothing matches
 * @param limits blocking-query and per-client write limits
 */
public record HttpSettings(
    String address,
    int port,
    long maxBodySize,
    AclSettings acl,
    IntentionsDefault intentionsDefault,
    HttpLimits limits) {
  public HttpSettings {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(acl, "acl");
    Objects.requireNonNull(intentionsDefault, "intentionsDefault");
  }
}
