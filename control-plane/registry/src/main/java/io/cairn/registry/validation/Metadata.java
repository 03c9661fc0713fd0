package io.cairn.registry.validation;

import java.util.Map;
import java.util.TreeMap;

/** Consul's limits on key/value metadata, so that what Consul accepts Cairn accepts too. */
public final class Metadata {
  public static final int MAX_PAIRS = 64;
  public static final int MAX_KEY_LENGTH = 128;
  public static final int MAX_VALUE_LENGTH = 512;
  private static final String RESERVED_PREFIX = "consul-";

  private Metadata() {}

  /** Checks {@code meta} and returns an immutable copy ordered by key. */
  public static Map<String, String> check(Problems p, String field, Map<String, String> meta) {
    if (meta == null) {
      p.add(field, "must not be null (use an empty map)");
      return Map.of();
    }
    if (meta.size() > MAX_PAIRS) {
      p.add(field, "has " + meta.size() + " pairs; at most " + MAX_PAIRS + " are allowed");
    }
    TreeMap<String, String> copy = new TreeMap<>();
    for (Map.Entry<String, String> e : meta.entrySet()) {
      String key = e.getKey();
      String value = e.getValue();
      if (key == null || key.isEmpty()) {
        p.add(field, "keys must not be empty");
        continue;
      }
      String at = field + "." + key;
      if (key.length() > MAX_KEY_LENGTH) {
        p.add(at, "key is longer than " + MAX_KEY_LENGTH + " characters");
      }
      if (!isKey(key)) {
        p.add(at, "key may only contain letters, digits, '-' and '_'");
      }
      if (key.startsWith(RESERVED_PREFIX)) {
        p.add(at, "keys starting with '" + RESERVED_PREFIX + "' are reserved");
      }
      if (value == null) {
        p.add(at, "value must not be null");
        continue;
      }
      if (value.length() > MAX_VALUE_LENGTH) {
        p.add(at, "value is longer than " + MAX_VALUE_LENGTH + " characters");
      }
      copy.put(key, value);
    }
    // Most metadata has one pair or none: Map.of holds those in a fraction of a TreeMap's memory
    // (at 100,000 instances the TreeMaps held 12 MiB), and one pair is trivially in key order.
    return switch (copy.size()) {
      case 0 -> Map.of();
      case 1 -> Map.of(copy.firstKey(), copy.firstEntry().getValue());
      default -> java.util.Collections.unmodifiableMap(copy);
    };
  }

  /** Letters, digits, '-' and '_' (a loop rather than a regular expression: it runs per key). */
  private static boolean isKey(String key) {
    for (int i = 0; i < key.length(); i++) {
      char c = key.charAt(i);
      boolean alnum = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
      if (!alnum && c != '-' && c != '_') {
        return false;
      }
    }
    return true;
  }
}
