package io.cairn.server.cli;

import java.io.PrintStream;
import java.util.ArrayList;
import java.util.List;

/** Left-aligned columns two spaces apart, the last one unpadded; rows may be indented. */
final class Table {
  private final List<String> header;
  private final List<List<String>> rows = new ArrayList<>();

  Table(String... header) {
    this.header = List.of(header);
  }

  Table row(String... cells) {
    if (cells.length != header.size()) {
      throw new IllegalArgumentException("row has " + cells.length + " cells: " + List.of(cells));
    }
    rows.add(List.of(cells));
    return this;
  }

  boolean isEmpty() {
    return rows.isEmpty();
  }

  void print(PrintStream out) {
    lines().forEach(out::println);
  }

  /** The header line, then one line per row. */
  List<String> lines() {
    return lines(true);
  }

  /** One line per row, without the header, aligned among themselves. */
  List<String> rowLines() {
    return lines(false);
  }

  private List<String> lines(boolean withHeader) {
    List<List<String>> all = new ArrayList<>();
    if (withHeader) {
      all.add(header);
    }
    all.addAll(rows);
    int[] widths = new int[header.size()];
    for (List<String> r : all) {
      for (int i = 0; i < r.size(); i++) {
        widths[i] = Math.max(widths[i], r.get(i).length());
      }
    }
    List<String> lines = new ArrayList<>();
    for (List<String> r : all) {
      StringBuilder line = new StringBuilder();
      for (int i = 0; i < r.size(); i++) {
        line.append(r.get(i));
        if (i < r.size() - 1) {
          line.append(" ".repeat(widths[i] - r.get(i).length() + 2));
        }
      }
      lines.add(line.toString().stripTrailing());
    }
    return lines;
  }

  /** {@code text} on one line, cut to {@code max} characters with "..." when longer. */
  static String shorten(String text, int max) {
    String line = text.replaceAll("\\s+", " ").strip();
    return line.length() <= max ? line : line.substring(0, max - 3) + "...";
  }
}
