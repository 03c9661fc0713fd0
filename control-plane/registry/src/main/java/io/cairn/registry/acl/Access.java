package io.cairn.registry.acl;

import java.util.Locale;
import java.util.Optional;

/** What a rule grants: nothing, reading, or reading and writing. Ordered weakest first. */
public enum Access {
  DENY,
  READ,
  WRITE;

  /** Whether this grants {@code needed}. */
  public boolean allows(Access needed) {
    return needed == DENY || (this != DENY && compareTo(needed) >= 0);
  }

  /**
   * The value of a rule's {@code policy}: {@code read}, {@code write} or {@code deny}; Consul's
   * {@code list} (for keys) reads as read.
   */
  public static Optional<Access> parse(String value) {
    return switch (value.toLowerCase(Locale.ROOT)) {
      case "deny" -> Optional.of(DENY);
      case "read", "list" -> Optional.of(READ);
      case "write" -> Optional.of(WRITE);
      default -> Optional.empty();
    };
  }

  public String text() {
    return name().toLowerCase(Locale.ROOT);
  }

  /**
   * Consul's merge of two policies' rules for the same resource: an explicit deny wins, then write,
   * then read.
   */
  static Access merge(Access a, Access b) {
    if (a == DENY || b == DENY) {
      return DENY;
    }
    return a.compareTo(b) >= 0 ? a : b;
  }
}
