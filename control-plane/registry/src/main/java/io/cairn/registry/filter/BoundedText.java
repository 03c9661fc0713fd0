package io.cairn.registry.filter;

/**
 * A string that lets a regular expression read a bounded number of characters. Go's RE2 matches in
 * linear time, so Consul users may write patterns such as {@code (x+x+)+y} that make Java's
 * backtracking engine run for ages (about a second per 512-character value); counting character
 * reads caps that work per value. The budget allows quadratic work, which ordinary patterns such as
 * {@code .*error.*} need when searched for.
 */
final class BoundedText implements CharSequence {
  private final String text;
  private long readsLeft;

  BoundedText(String text) {
    this.text = text;
    this.readsLeft = budget(text.length());
  }

  /** Reads allowed on a string of {@code length} characters. */
  static long budget(int length) {
    return 1_000_000L + 4L * length * length;
  }

  @Override
  public char charAt(int index) {
    if (--readsLeft < 0) {
      throw Exhausted.INSTANCE;
    }
    return text.charAt(index);
  }

  @Override
  public int length() {
    return text.length();
  }

  @Override
  public CharSequence subSequence(int start, int end) {
    return text.subSequence(start, end);
  }

  @Override
  public String toString() {
    return text;
  }

  /** Thrown when the budget runs out; shared and stackless since it is only a signal. */
  static final class Exhausted extends RuntimeException {
    private static final long serialVersionUID = 1L;
    static final Exhausted INSTANCE = new Exhausted();

    private Exhausted() {
      super("regular expression read budget exhausted", null, false, false);
    }
  }
}
