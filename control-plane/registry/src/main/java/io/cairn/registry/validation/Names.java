package io.cairn.registry.validation;

import java.util.List;
import java.util.Objects;

/**
 * Rules for names and identifiers. Service names must be DNS labels because DNS answers are built
 * from them; ids only need to survive a URL path segment.
 */
public final class Names {
  public static final int MAX_ID_LENGTH = 256;
  public static final int MAX_TAG_LENGTH = 255;
  public static final int MAX_TAGS = 64;

  private Names() {}

  /**
   * An HTTP header name (an RFC 9110 token; {@code :} allowed for pseudo-headers such as {@code
   * :authority}).
   */
  public static boolean isHeaderName(String value) {
    if (value == null || value.isEmpty()) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && "!#$%&'*+.^_`|~:-".indexOf(c) < 0) {
        return false;
      }
    }
    return true;
  }

  /** RFC 1123 label: letters, digits and inner hyphens, 1 to 63 characters. */
  public static boolean isDnsLabel(String value) {
    if (value == null || value.isEmpty() || value.length() > 63) {
      return false;
    }
    for (int i = 0; i < value.length(); i++) {
      char c = value.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && (c != '-' || i == 0 || i == value.length() - 1)) {
        return false;
      }
    }
    return true;
  }

  /** A service name: a DNS label. */
  public static void serviceName(Problems p, String field, String value) {
    if (value == null || value.isEmpty()) {
      p.add(field, "is required");
    } else if (!isDnsLabel(value)) {
      p.add(
          field,
          "'"
              + value
              + "' is not a DNS label (letters, digits and inner '-', at most 63 characters)");
    }
  }

  /** A service name, or "" meaning "the same service as the enclosing entry". */
  public static void optionalServiceName(Problems p, String field, String value) {
    if (value == null) {
      p.add(field, "must not be null (use an empty string)");
    } else if (!value.isEmpty()) {
      serviceName(p, field, value);
    }
  }

  /** An instance or check id: printable, no whitespace or '/', at most 256 characters. */
  public static void id(Problems p, String field, String value) {
    if (value == null || value.isEmpty()) {
      p.add(field, "is required");
      return;
    }
    if (value.length() > MAX_ID_LENGTH) {
      p.add(field, "is longer than " + MAX_ID_LENGTH + " characters");
    }
    if (!allIdCharacters(value)) {
      p.add(field, "'" + value + "' must not contain whitespace, control characters or '/'");
    }
  }

  private static boolean allIdCharacters(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (!isIdCharacter(value.charAt(i))) {
        return false;
      }
    }
    return true;
  }

  private static boolean isIdCharacter(int c) {
    return c > 0x20 && c != 0x7f && c != '/' && !Character.isWhitespace(c);
  }

  /** Tags: at most 64, each 1 to 255 characters without control characters. Returns a copy. */
  public static List<String> tags(Problems p, String field, List<String> tags) {
    if (tags == null) {
      p.add(field, "must not be null (use an empty list)");
      return List.of();
    }
    if (tags.size() > MAX_TAGS) {
      p.add(field, "has " + tags.size() + " entries; at most " + MAX_TAGS + " are allowed");
    }
    boolean nulls = false;
    for (int i = 0; i < tags.size(); i++) {
      String tag = tags.get(i);
      nulls |= tag == null;
      if (tag == null || tag.isEmpty()) {
        p.add(field + "[" + i + "]", "must not be empty");
      } else if (tag.length() > MAX_TAG_LENGTH) {
        p.add(field + "[" + i + "]", "is longer than " + MAX_TAG_LENGTH + " characters");
      } else if (hasControlCharacter(tag)) {
        p.add(field + "[" + i + "]", "must not contain control characters");
      }
    }
    // List.copyOf keeps a list that is already immutable rather than copying it again.
    return nulls ? tags.stream().filter(Objects::nonNull).toList() : List.copyOf(tags);
  }

  private static boolean hasControlCharacter(String value) {
    for (int i = 0; i < value.length(); i++) {
      if (Character.isISOControl(value.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** Free text such as a description or a reason: no longer than {@code max} characters. */
  public static void text(Problems p, String field, String value, int max) {
    if (value == null) {
      p.add(field, "must not be null (use an empty string)");
    } else if (value.length() > max) {
      p.add(field, "is longer than " + max + " characters");
    }
  }
}
