package io.cairn.registry.config;

import java.util.Locale;
import java.util.Optional;

/** The protocol a service speaks; decides whether L7 routing, splitting and RBAC apply. */
public enum Protocol {
  TCP,
  HTTP,
  HTTP2,
  GRPC;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether requests can be matched, split and authorized one by one. */
  public boolean isHttpFamily() {
    return this != TCP;
  }

  public static Optional<Protocol> parse(String value) {
    for (Protocol p : values()) {
      if (p.wireName().equalsIgnoreCase(value)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }
}
