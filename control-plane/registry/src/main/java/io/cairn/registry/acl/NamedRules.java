package io.cairn.registry.acl;

import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;
import java.util.function.BinaryOperator;

/**
 * Rules for one kind of named resource: exact names and name prefixes. An exact rule beats every
 * prefix; among prefixes the longest wins (Consul's lookup).
 */
public record NamedRules<R>(Map<String, R> exact, Map<String, R> prefixes) {
  public NamedRules {
    exact = Map.copyOf(exact);
    prefixes = Map.copyOf(prefixes);
  }

  public static <R> NamedRules<R> none() {
    return new NamedRules<>(Map.of(), Map.of());
  }

  public boolean isEmpty() {
    return exact.isEmpty() && prefixes.isEmpty();
  }

  /** The rule for {@code name}, if any applies. */
  public Optional<R> match(String name) {
    R rule = exact.get(name);
    if (rule != null) {
      return Optional.of(rule);
    }
    String best = null;
    for (String prefix : prefixes.keySet()) {
      if (name.startsWith(prefix) && (best == null || prefix.length() > best.length())) {
        best = prefix;
      }
    }
    return best == null ? Optional.empty() : Optional.of(prefixes.get(best));
  }

  /**
   * Whether every rule for a name under {@code prefix} (exact or prefix) satisfies {@code test}.
   */
  public boolean allUnder(String prefix, java.util.function.Predicate<R> test) {
    for (Map.Entry<String, R> e : exact.entrySet()) {
      if (e.getKey().startsWith(prefix) && !test.test(e.getValue())) {
        return false;
      }
    }
    for (Map.Entry<String, R> e : prefixes.entrySet()) {
      if (e.getKey().startsWith(prefix) && !test.test(e.getValue())) {
        return false;
      }
    }
    return true;
  }

  /** Both sets of rules, with {@code merge} deciding where both have a rule for the same name. */
  NamedRules<R> plus(NamedRules<R> other, BinaryOperator<R> merge) {
    Map<String, R> e = new TreeMap<>(exact);
    other.exact.forEach((k, v) -> e.merge(k, v, merge));
    Map<String, R> p = new TreeMap<>(prefixes);
    other.prefixes.forEach((k, v) -> p.merge(k, v, merge));
    return new NamedRules<>(e, p);
  }
}
