package io.cairn.registry.acl;

import java.util.Locale;
import java.util.Optional;

/** What a token gets where its rules say nothing (Consul's {@code acl.default_policy}). */
public enum DefaultPolicy {
  ALLOW,
  DENY;

  public Authorizer fallback() {
    return this == ALLOW ? Authorizer.ALLOW_ALL : Authorizer.DENY_ALL;
  }

  /** As sent in {@code X-Consul-Default-ACL-Policy}. */
  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<DefaultPolicy> parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "allow" -> Optional.of(ALLOW);
      case "deny" -> Optional.of(DENY);
      default -> Optional.empty();
    };
  }
}
