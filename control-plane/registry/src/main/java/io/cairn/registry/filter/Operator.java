package io.cairn.registry.filter;

/** The match operators, as written. {@code contains} is {@code in} with its operands swapped. */
enum Operator {
  EQUAL("==", Family.EQUALITY, false),
  NOT_EQUAL("!=", Family.EQUALITY, true),
  IN("in", Family.INCLUSION, false),
  NOT_IN("not in", Family.INCLUSION, true),
  CONTAINS("contains", Family.INCLUSION, false),
  NOT_CONTAINS("not contains", Family.INCLUSION, true),
  MATCHES("matches", Family.REGEX, false),
  NOT_MATCHES("not matches", Family.REGEX, true),
  IS_EMPTY("is empty", Family.EMPTINESS, false),
  IS_NOT_EMPTY("is not empty", Family.EMPTINESS, true);

  /** Operators that share a {@link Comparison} and so apply to the same types. */
  enum Family {
    EQUALITY,
    INCLUSION,
    REGEX,
    EMPTINESS
  }

  private final String spelling;
  private final Family family;
  private final boolean negated;

  Operator(String spelling, Family family, boolean negated) {
    this.spelling = spelling;
    this.family = family;
    this.negated = negated;
  }

  String spelling() {
    return spelling;
  }

  Family family() {
    return family;
  }

  boolean negated() {
    return negated;
  }
}
