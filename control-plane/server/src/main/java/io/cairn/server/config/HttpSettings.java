package io.cairn.server.config;

import io.cairn.admin.http.HttpLimits;
import java.util.Objects;
import java.util.Optional;

/**
 * Admin API settings.
 *
 * @param address listen address
 * @param port listen port (0 picks a free one)
 * @param maxBodySize largest accepted request body in bytes
 * @param aclToken token writes must carry; empty means ACLs are off
 * @param intentionsDefault answer of an intention check when nothing matches
 * @param limits blocking-query and per-client write limits
 */
public record HttpSettings(
    String address,
    int port,
    long maxBodySize,
    Optional<String> aclToken,
    IntentionsDefault intentionsDefault,
    HttpLimits limits) {
  public HttpSettings {
    Objects.requireNonNull(limits, "limits");
    Objects.requireNonNull(address, "address");
    Objects.requireNonNull(aclToken, "aclToken");
    Objects.requireNonNull(intentionsDefault, "intentionsDefault");
  }
}
