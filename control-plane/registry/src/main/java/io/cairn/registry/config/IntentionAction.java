package io.cairn.registry.config;

import java.util.Locale;
import java.util.Optional;

/** What an intention does with matching traffic. */
public enum IntentionAction {
  ALLOW,
  DENY;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<IntentionAction> parse(String value) {
    for (IntentionAction a : values()) {
      if (a.wireName().equalsIgnoreCase(value)) {
        return Optional.of(a);
      }
    }
    return Optional.empty();
  }
}
