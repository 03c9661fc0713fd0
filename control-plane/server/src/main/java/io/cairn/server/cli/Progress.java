package io.cairn.server.cli;

import java.io.PrintStream;
import java.util.Locale;

/**
 * How far a long operation has got, on stderr: one line rewritten in place on a terminal, a line
 * per 10% otherwise (logs stay short; not for fewer than 20 items), or nothing. Thread-safe:
 * workers report as they finish.
 */
final class Progress {
  /** From {@code CAIRN_PROGRESS}; {@code bin/cairn} sets {@code tty} when stderr is a terminal. */
  enum Style {
    TTY,
    LINES,
    NONE;

    static Style of(String value) {
      return switch (value.toLowerCase(Locale.ROOT)) {
        case "tty" -> TTY;
        case "none", "off" -> NONE;
        default -> LINES;
      };
    }
  }

  private static final long REDRAW_NANOS = 100_000_000;

  /** Below this many items, lines would be one per item: the summary says enough. */
  private static final int LINES_FROM = 20;

  private final PrintStream err;
  private final Style style;
  private final String verb;
  private final int total;
  private int done;
  private int failed;
  private int lastDecile;
  private long lastDrawn;

  Progress(PrintStream err, Style style, String verb, int total) {
    this.err = err;
    this.style = total < 2 || (style == Style.LINES && total < LINES_FROM) ? Style.NONE : style;
    this.verb = verb;
    this.total = total;
  }

  synchronized void done(boolean ok) {
    done++;
    if (!ok) {
      failed++;
    }
    switch (style) {
      case TTY -> {
        long now = System.nanoTime();
        if (done == total || now - lastDrawn >= REDRAW_NANOS) {
          lastDrawn = now;
          err.print("\r" + line() + (done == total ? "\n" : ""));
          err.flush();
        }
      }
      case LINES -> {
        int decile = done * 10 / total;
        if (decile > lastDecile) {
          lastDecile = decile;
          err.println(line());
        }
      }
      case NONE -> {}
    }
  }

  /** Ends an interrupted terminal line, so what follows starts on a line of its own. */
  synchronized void abandon() {
    if (style == Style.TTY && done > 0 && done < total) {
      err.println();
    }
  }

  private String line() {
    return "%s %d/%d (%d%%)%s"
        .formatted(
            verb, done, total, done * 100 / total, failed == 0 ? "" : ", " + failed + " failed");
  }
}
