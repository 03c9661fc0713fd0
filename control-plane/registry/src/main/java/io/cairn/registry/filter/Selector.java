package io.cairn.registry.filter;

import java.util.ArrayList;
import java.util.List;

/**
 * A parsed selector such as {@code Service.Meta["version"]}.
 *
 * @param path the names, e.g. {@code [Service, Meta, version]}
 * @param text the selector as written, for messages
 * @param listDepth how many leading names lead to a list whose elements the rest of the path
 *     applies to ({@code 1} for {@code Checks.Status}), {@link #NO_LIST} when the schema rules that
 *     out, or {@link #UNKNOWN} without a schema
 * @param prefixes the paths a list could sit at, longest first, precomputed so that evaluation does
 *     not allocate
 */
record Selector(List<String> path, String text, int listDepth, List<List<String>> prefixes) {
  static final int UNKNOWN = -1;
  static final int NO_LIST = 0;

  Selector {
    path = List.copyOf(path);
    prefixes = List.copyOf(prefixes);
    if (path.isEmpty() || listDepth >= path.size()) {
      throw new IllegalArgumentException("bad selector " + path + " with list depth " + listDepth);
    }
  }

  Selector(List<String> path, String text, int listDepth) {
    this(path, text, listDepth, prefixesOf(path));
  }

  private static List<List<String>> prefixesOf(List<String> path) {
    List<List<String>> prefixes = new ArrayList<>();
    for (int length = path.size() - 1; length > 0; length--) {
      prefixes.add(List.copyOf(path.subList(0, length)));
    }
    return prefixes;
  }

  int size() {
    return path.size();
  }

  /** The first {@code length} names, for {@code 0 < length < size()}. */
  List<String> prefix(int length) {
    return prefixes.get(path.size() - 1 - length);
  }
}
