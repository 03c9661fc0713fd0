package io.cairn.server.config;

import io.cairn.admin.json.GoDuration;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Resolved setting values, read as typed values. Each reader records a problem instead of failing,
 * so {@link #throwIfAny()} can report every bad setting at once.
 */
public final class SettingValues {
  private final Map<String, String> raw;
  private final List<String> problems = new ArrayList<>();

  SettingValues(Map<String, String> raw, List<String> problems) {
    this.raw = Map.copyOf(raw);
    this.problems.addAll(problems);
  }

  private String raw(String key) {
    String value = raw.get(key);
    if (value == null) {
      throw new IllegalArgumentException("no setting '" + key + "' was declared");
    }
    return value.strip();
  }

  public String string(String key) {
    return raw(key);
  }

  public Path path(String key) {
    String value = raw(key);
    if (value.isEmpty()) {
      problems.add(key + ": must not be empty");
      return Path.of(".");
    }
    try {
      return Path.of(value);
    } catch (InvalidPathException e) {
      problems.add(key + ": '" + value + "' is not a valid path");
      return Path.of(".");
    }
  }

  /** A TCP or UDP port; 0 asks the OS for a free one. */
  public int port(String key) {
    String value = raw(key);
    try {
      int port = Integer.parseInt(value);
      if (port >= 0 && port <= 65535) {
        return port;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(key + ": '" + value + "' is not a port (0 to 65535; 0 picks a free one)");
    return 0;
  }

  /** A positive whole number, such as a size in bytes. */
  public long positiveLong(String key) {
    return whole(key, 1, Long.MAX_VALUE, "is not a positive whole number");
  }

  /** A whole number from {@code min} up. */
  public long whole(String key, long min) {
    return whole(key, min, Long.MAX_VALUE, "is not a whole number from " + min + " up");
  }

  /** A whole number from 0 up, such as a limit where 0 means none. */
  public int count(String key) {
    return (int) whole(key, 0, Integer.MAX_VALUE, "is not a whole number from 0 up");
  }

  /** A whole number in {@code [min, max]}; {@code min} after recording a problem otherwise. */
  private long whole(String key, long min, long max, String expected) {
    String value = raw(key);
    try {
      long n = Long.parseLong(value);
      if (n >= min && n <= max) {
        return n;
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    problems.add(key + ": '" + value + "' " + expected);
    return min;
  }

  /** true or false. */
  public boolean flag(String key) {
    String value = raw(key);
    if (value.equalsIgnoreCase("true") || value.equalsIgnoreCase("false")) {
      return Boolean.parseBoolean(value);
    }
    problems.add(key + ": '" + value + "' is not true or false");
    return false;
  }

  /** A duration in Go's syntax, as Consul writes them: {@code 0}, {@code 500ms}, {@code 1m30s}. */
  public Duration duration(String key) {
    String value = raw(key);
    try {
      Duration d = GoDuration.parse(value);
      if (!d.isNegative()) {
        return d;
      }
    } catch (IllegalArgumentException e) {
      // reported below
    }
    problems.add(key + ": '" + value + "' is not a duration (such as 0, 500ms, 30s, 1m30s)");
    return Duration.ZERO;
  }

  /** The raw value, items separated by commas, each stripped; empty items dropped. */
  public List<String> list(String key) {
    return Arrays.stream(raw(key).split(",")).map(String::strip).filter(s -> !s.isEmpty()).toList();
  }

  /** Records that the value of {@code key} is not {@code expected}. */
  public void invalid(String key, String expected) {
    problems.add(key + ": '" + raw(key) + "' " + expected);
  }

  /** A DNS label, for names that end up in DNS and Consul responses. */
  public String label(String key) {
    String value = raw(key);
    if (!io.cairn.registry.validation.Names.isDnsLabel(value)) {
      problems.add(key + ": '" + value + "' is not a DNS label (letters, digits, inner '-')");
    }
    return value;
  }

  /** One of an enum's constants, by case-insensitive name. */
  public <E extends Enum<E>> E choice(String key, Class<E> type) {
    String value = raw(key);
    for (E e : type.getEnumConstants()) {
      if (e.name().equalsIgnoreCase(value)) {
        return e;
      }
    }
    List<String> names =
        Arrays.stream(type.getEnumConstants()).map(e -> e.name().toLowerCase(Locale.ROOT)).toList();
    problems.add(key + ": '" + value + "' is not one of " + names);
    return type.getEnumConstants()[0];
  }

  /** Records a problem found by combining settings (one reader cannot see it). */
  public void problem(String message) {
    problems.add(message);
  }

  /** Throws every problem found while reading, if any. */
  public void throwIfAny() {
    if (!problems.isEmpty()) {
      throw new SettingsException(problems);
    }
  }
}
