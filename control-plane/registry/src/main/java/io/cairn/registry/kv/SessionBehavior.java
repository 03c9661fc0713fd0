package io.cairn.registry.kv;

import java.util.Locale;
import java.util.Optional;

/** What happens to the keys a session holds when it is invalidated (Consul's {@code Behavior}). */
public enum SessionBehavior {
  /** The locks are released; the keys stay. */
  RELEASE,
  /** The keys are deleted. */
  DELETE;

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  public static Optional<SessionBehavior> parse(String text) {
    for (SessionBehavior b : values()) {
      if (b.wireName().equals(text)) {
        return Optional.of(b);
      }
    }
    return Optional.empty();
  }
}
