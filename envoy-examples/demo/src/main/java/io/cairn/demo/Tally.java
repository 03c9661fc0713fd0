package io.cairn.demo;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.TreeMap;

/**
 * Where a client's calls went: replies counted by instance and by version, failures by status, how
 * long the first call took (with the xDS lookup) and all of them.
 */
record Tally(
    Map<String, Integer> replies,
    Map<String, Integer> failures,
    Duration firstCall,
    Duration elapsed) {
  Tally {
    replies = Map.copyOf(replies);
    failures = Map.copyOf(failures);
  }

  int calls() {
    return total(replies) + total(failures);
  }

  /** Replies by the version they name; a reply naming none counts under its whole text. */
  Map<String, Integer> byVersion() {
    Map<String, Integer> versions = new TreeMap<>();
    replies.forEach(
        (reply, n) -> versions.merge(Identity.versionOf(reply).orElse(reply), n, Integer::sum));
    return versions;
  }

  /** The table the demo prints; its last line, {@code by version: v1=903 v2=97}, sums it up. */
  List<String> render(String target) {
    List<String> lines = new ArrayList<>();
    lines.add(
        "%d calls to %s: the first (with the xDS lookup) took %d ms, all %d ms"
            .formatted(calls(), target, firstCall.toMillis(), elapsed.toMillis()));
    int width = 0;
    for (String reply : replies.keySet()) {
      width = Math.max(width, reply.length());
    }
    for (var e : new TreeMap<>(replies).entrySet()) {
      String row = "  %-" + width + "s %6d  %5.1f%%  %s";
      lines.add(row.formatted(e.getKey(), e.getValue(), percent(e.getValue()), bar(e.getValue())));
    }
    new TreeMap<>(failures)
        .forEach((status, n) -> lines.add("  failed: %s %6d".formatted(status, n)));
    StringBuilder summary = new StringBuilder("by version:");
    byVersion().forEach((v, n) -> summary.append(' ').append(v).append('=').append(n));
    lines.add(summary.toString());
    return lines;
  }

  /**
   * Whether the replies match {@code expected} (version to percent): each version within four
   * standard deviations of a binomial draw of this many calls (at least two points), so a correct
   * split passes and a wrong one, like 50/50 for 90/10, does not.
   */
  Optional<String> mismatch(Map<String, Integer> expected) {
    int n = total(replies);
    if (n == 0) {
      return Optional.of("no call succeeded");
    }
    Map<String, Integer> versions = byVersion();
    List<String> off = new ArrayList<>();
    for (var e : expected.entrySet()) {
      double p = e.getValue() / 100.0;
      double tolerance = Math.max(2.0, 400 * Math.sqrt(p * (1 - p) / n));
      double seen = 100.0 * versions.getOrDefault(e.getKey(), 0) / n;
      if (Math.abs(seen - e.getValue()) > tolerance) {
        off.add(
            "%s got %.1f%%, expected %d%% +- %.1f"
                .formatted(e.getKey(), seen, e.getValue(), tolerance));
      }
    }
    versions.forEach(
        (version, count) -> {
          if (count > 0 && !expected.containsKey(version)) {
            off.add(version + " was not expected");
          }
        });
    return off.isEmpty() ? Optional.empty() : Optional.of(String.join("; ", off));
  }

  private double percent(int n) {
    return 100.0 * n / Math.max(1, calls());
  }

  private String bar(int n) {
    return "#".repeat((int) Math.round(percent(n) / 2));
  }

  private static int total(Map<String, Integer> counts) {
    return counts.values().stream().mapToInt(Integer::intValue).sum();
  }
}
