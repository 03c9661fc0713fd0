package io.cairn.tls;

import java.util.List;

/** TLS files that cannot be used, with every problem found. */
public final class TlsException extends RuntimeException {
  private final List<String> problems;

  public TlsException(List<String> problems) {
    super(String.join("; ", problems));
    this.problems = List.copyOf(problems);
  }

  public List<String> problems() {
    return problems;
  }
}
