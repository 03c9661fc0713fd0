package io.cairn.admin.json;

import java.time.Duration;

/**
 * Go's duration syntax, which Consul uses in JSON: a sequence of decimal numbers with units {@code
 * ns}, {@code us}, {@code ms}, {@code s}, {@code m}, {@code h} ({@code "1m30s"}, {@code "1.5h"}).
 */
public final class GoDuration {
  private GoDuration() {}

  public static Duration parse(String text) {
    String s = text.strip();
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    if (s.isEmpty()) {
      throw new IllegalArgumentException("'' is not a duration (use e.g. \"10s\", \"1m30s\")");
    }
    boolean negative = s.startsWith("-");
    if (negative || s.startsWith("+")) {
      s = s.substring(1);
    }
    long totalNanos = 0;
    int i = 0;
    while (i < s.length()) {
      int start = i;
      while (i < s.length() && (Character.isDigit(s.charAt(i)) || s.charAt(i) == '.')) {
        i++;
      }
      if (start == i) {
        throw invalid(text);
      }
      double amount;
      try {
        amount = Double.parseDouble(s.substring(start, i));
      } catch (NumberFormatException e) {
        throw invalid(text);
      }
      int unitStart = i;
      while (i < s.length() && Character.isLetter(s.charAt(i))) {
        i++;
      }
      long unit =
          switch (s.substring(unitStart, i)) {
            case "ns" -> 1L;
            case "us", "µs" -> 1_000L;
            case "ms" -> 1_000_000L;
            case "s" -> 1_000_000_000L;
            case "m" -> 60_000_000_000L;
            case "h" -> 3_600_000_000_000L;
            default -> throw invalid(text);
          };
      totalNanos = Math.addExact(totalNanos, Math.round(amount * unit));
    }
    Duration d = Duration.ofNanos(totalNanos);
    return negative ? d.negated() : d;
  }

  private static IllegalArgumentException invalid(String text) {
    return new IllegalArgumentException(
        "'" + text + "' is not a duration (use e.g. \"10s\", \"1m30s\", \"500ms\")");
  }

  /** Go's {@code time.Duration.String()}: {@code 10s}, {@code 1m30s}, {@code 500ms}, {@code 0s}. */
  public static String format(Duration d) {
    long nanos = d.toNanos();
    if (nanos == 0) {
      return "0s";
    }
    StringBuilder out = new StringBuilder();
    if (nanos < 0) {
      out.append('-');
      nanos = -nanos;
    }
    if (nanos < 1_000_000_000L) {
      if (nanos % 1_000_000 == 0) {
        return out.append(nanos / 1_000_000).append("ms").toString();
      }
      if (nanos % 1_000 == 0) {
        return out.append(nanos / 1_000).append("µs").toString();
      }
      return out.append(nanos).append("ns").toString();
    }
    long hours = nanos / 3_600_000_000_000L;
    long minutes = nanos / 60_000_000_000L % 60;
    long secondsNanos = nanos % 60_000_000_000L;
    if (hours > 0) {
      out.append(hours).append('h');
    }
    if (hours > 0 || minutes > 0) {
      out.append(minutes).append('m');
    }
    out.append(secondsNanos / 1_000_000_000L);
    long fraction = secondsNanos % 1_000_000_000L;
    if (fraction != 0) {
      String digits = String.format("%09d", fraction).replaceAll("0+$", "");
      out.append('.').append(digits);
    }
    return out.append('s').toString();
  }
}
