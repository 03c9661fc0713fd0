package io.cairn.registry;

import static java.nio.charset.StandardCharsets.ISO_8859_1;

/**
 * Strings that repeat across stored records (service and check names, tags, metadata, type tags),
 * looked up by their bytes so that a repeat is neither built nor kept again. Holds at most {@link
 * #MAX_SIZE} strings; past that, new ones are built but not kept. Not thread-safe.
 */
final class SharedStrings {
  static final int MAX_SIZE = 8192;

  // Open addressing with linear probing, at most half full.
  private String[] slots = new String[64];
  private int size;

  /**
   * The string of the ASCII bytes {@code json[from, to)}, whose {@link String#hashCode} is {@code
   * hash}.
   */
  String get(byte[] json, int from, int to, int hash) {
    int mask = slots.length - 1;
    for (int i = spread(hash) & mask; ; i = (i + 1) & mask) {
      String s = slots[i];
      if (s == null) {
        String created = new String(json, from, to - from, ISO_8859_1);
        if (size < MAX_SIZE) {
          slots[i] = created;
          if (++size * 2 > slots.length) {
            grow();
          }
        }
        return created;
      }
      if (s.hashCode() == hash && sameCharacters(s, json, from, to)) {
        return s;
      }
    }
  }

  private static boolean sameCharacters(String s, byte[] json, int from, int to) {
    if (s.length() != to - from) {
      return false;
    }
    for (int i = 0; i < s.length(); i++) {
      if (s.charAt(i) != json[from + i]) {
        return false;
      }
    }
    return true;
  }

  private void grow() {
    String[] old = slots;
    slots = new String[old.length * 2];
    int mask = slots.length - 1;
    for (String s : old) {
      if (s != null) {
        int i = spread(s.hashCode()) & mask;
        while (slots[i] != null) {
          i = (i + 1) & mask;
        }
        slots[i] = s;
      }
    }
  }

  private static int spread(int hash) {
    return hash ^ (hash >>> 16);
  }
}
