package io.cairn.registry.config;

import java.util.Optional;

/** The kinds of config entry, with Consul's names for them. */
public enum ConfigEntryKind {
  SERVICE_DEFAULTS("service-defaults"),
  SERVICE_RESOLVER("service-resolver"),
  SERVICE_SPLITTER("service-splitter"),
  SERVICE_ROUTER("service-router"),
  SERVICE_INTENTIONS("service-intentions"),
  PROXY_DEFAULTS("proxy-defaults");

  private final String wireName;

  ConfigEntryKind(String wireName) {
    this.wireName = wireName;
  }

  public String wireName() {
    return wireName;
  }

  public static Optional<ConfigEntryKind> parse(String value) {
    for (ConfigEntryKind k : values()) {
      if (k.wireName.equalsIgnoreCase(value)) {
        return Optional.of(k);
      }
    }
    return Optional.empty();
  }
}
