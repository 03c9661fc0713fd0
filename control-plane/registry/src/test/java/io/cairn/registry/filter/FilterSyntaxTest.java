package io.cairn.registry.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** What expressions parse to: operators, value forms, selectors, precedence and whitespace. */
class FilterSyntaxTest {

  private static String tree(String expression) {
    return Rows.render(FilterParser.parse(expression, SchemaCheck.NONE));
  }

  static Stream<Arguments> operators() {
    return Stream.of(
        arguments("Service.Port == 8080", "(== Service/Port 8080)"),
        arguments("Service.Port != 8080", "(!= Service/Port 8080)"),
        arguments("\"v2\" in Service.Tags", "(in Service/Tags v2)"),
        arguments("\"v2\" not in Service.Tags", "(not-in Service/Tags v2)"),
        arguments("Service.Tags contains \"v2\"", "(in Service/Tags v2)"),
        arguments("Service.Tags not contains \"v2\"", "(not-in Service/Tags v2)"),
        arguments("Service.ID matches \"^web-[0-9]+$\"", "(matches Service/ID ^web-[0-9]+$)"),
        arguments("Service.ID not matches `^web`", "(not-matches Service/ID ^web)"),
        arguments("Service.Tags is empty", "(empty Service/Tags)"),
        arguments("Service.Tags is not empty", "(not-empty Service/Tags)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("operators")
  void parsesEveryOperator(String expression, String expected) {
    assertThat(tree(expression)).isEqualTo(expected);
  }

  static Stream<Arguments> values() {
    return Stream.of(
        // Bare words and dotted bare words stand for their own text, as in go-bexpr.
        arguments("a == v2", "(== a v2)"),
        arguments("a == true", "(== a true)"),
        arguments("a == foo.bar", "(== a foo.bar)"),
        arguments("a == foo[\"x y\"]", "(== a foo.x y)"),
        arguments("canary in Service.Tags", "(in Service/Tags canary)"),
        arguments("canary not in Service.Tags", "(not-in Service/Tags canary)"),
        arguments("7 in Ports", "(in Ports 7)"),
        // Numbers keep their text; the selected field decides how it is read.
        arguments("a == -12", "(== a -12)"),
        arguments("a == 0.50", "(== a 0.50)"),
        arguments("a == 0", "(== a 0)"),
        // Double-quoted strings take Go escapes; backtick strings are raw.
        arguments("a == \"two words\"", "(== a two words)"),
        arguments("a == \"tab\\there\"", "(== a tab\there)"),
        arguments("a == \"\\\"q\\\" \\\\ \\x41\\101\\u00e9\\U0001F600\"", "(== a \"q\" \\ AAé😀)"),
        arguments("a == `C:\\dir\\n`", "(== a C:\\dir\\n)"),
        arguments("a == `line1\r\nline2`", "(== a line1\nline2)"),
        arguments("a == \"\"", "(== a )"),
        arguments("a == ``", "(== a )"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("values")
  void parsesEveryValueForm(String expression, String expected) {
    assertThat(tree(expression)).isEqualTo(expected);
  }

  static Stream<Arguments> selectors() {
    return Stream.of(
        arguments("Service.Meta.version == v2", "(== Service/Meta/version v2)"),
        arguments("Service.Meta[\"version\"] == v2", "(== Service/Meta/version v2)"),
        arguments(
            "Service.Meta[`odd key.with-dots`] == v2", "(== Service/Meta/odd key.with-dots v2)"),
        arguments("Meta[ \"k\" ].x == v", "(== Meta/k/x v)"),
        arguments("Node_2.a1_b == v", "(== Node_2/a1_b v)"),
        // A field may share a keyword's name where the grammar leaves no doubt.
        arguments("not == x", "(== not x)"),
        arguments("in.x == y", "(== in/x y)"),
        arguments("a.not == y", "(== a/not y)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("selectors")
  void parsesSelectors(String expression, String expected) {
    assertThat(tree(expression)).isEqualTo(expected);
  }

  static Stream<Arguments> structure() {
    return Stream.of(
        arguments("a == 1 or b == 2 and c == 3", "(or (== a 1) (and (== b 2) (== c 3)))"),
        arguments("a == 1 and b == 2 or c == 3", "(or (and (== a 1) (== b 2)) (== c 3))"),
        arguments("(a == 1 or b == 2) and c == 3", "(and (or (== a 1) (== b 2)) (== c 3))"),
        arguments("not a == 1 and b == 2", "(and (not (== a 1)) (== b 2))"),
        arguments("not (a == 1 and b == 2)", "(not (and (== a 1) (== b 2)))"),
        arguments("not not a == 1", "(== a 1)"),
        arguments("not not not a == 1", "(not (== a 1))"),
        arguments("((a == 1))", "(== a 1)"),
        arguments(
            "a == 1 or (b == 2 and (c == 3 or not d is empty))",
            "(or (== a 1) (and (== b 2) (or (== c 3) (not (empty d)))))"),
        // Chains stay flat, so long ones cost no recursion.
        arguments(
            "a == 1 or b == 2 or c == 3 or d == 4", "(or (== a 1) (== b 2) (== c 3) (== d 4))"),
        arguments("a == 1 and b == 2 and c == 3", "(and (== a 1) (== b 2) (== c 3))"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("structure")
  void appliesPrecedenceAndParentheses(String expression, String expected) {
    assertThat(tree(expression)).isEqualTo(expected);
  }

  static Stream<Arguments> whitespace() {
    return Stream.of(
        arguments("a==1", "(== a 1)"),
        arguments("a!=\"x\"", "(!= a x)"),
        arguments("  a == 1  ", "(== a 1)"),
        arguments("\ta ==\n1\r\nand\tb is\nempty", "(and (== a 1) (empty b))"),
        arguments("(a==1)or(b==2)", "(or (== a 1) (== b 2))"),
        arguments("( a == 1 )", "(== a 1)"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("whitespace")
  void ignoresWhitespaceBetweenTokens(String expression, String expected) {
    assertThat(tree(expression)).isEqualTo(expected);
  }

  @Test
  void keepsTheExpressionText() {
    String expression = " Service.Port == 8080 ";
    assertThat(Filter.parse(expression).expression()).isEqualTo(expression);
    assertThat(Filter.parse(expression)).hasToString("Filter[ Service.Port == 8080 ]");
    assertThat(Filter.ALL.expression()).isEmpty();
  }

  @Test
  void acceptsLongFlatChainsButNotDeepNesting() {
    String chain = String.join(" or ", java.util.Collections.nCopies(5000, "a == 1"));
    assertThat(Filter.parse(chain).matches(Rows.row(java.util.Map.of("a", 1)))).isTrue();
    String nested =
        "(".repeat(FilterParser.MAX_DEPTH) + "a == 1" + ")".repeat(FilterParser.MAX_DEPTH);
    assertThat(tree(nested)).isEqualTo("(== a 1)");
  }
}
