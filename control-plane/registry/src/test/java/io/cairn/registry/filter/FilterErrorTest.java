package io.cairn.registry.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import io.cairn.registry.RegistryException;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Malformed expressions are refused with a clear reason and the offset of the problem. */
class FilterErrorTest {

  private static FilterException failure(String expression) {
    try {
      Filter.parse(expression);
    } catch (FilterException e) {
      return e;
    }
    throw new AssertionError("parsed, but should not have: " + expression);
  }

  @Test
  void prefixesTheMessageWithLineAndColumn() {
    FilterException e = failure("Service.Port == ");
    assertThat(e).hasMessage("1:17: expected a value after '==', found end of input");
    assertThat(e.position()).isEqualTo(16);
    assertThat(e.reason()).isEqualTo("expected a value after '==', found end of input");
    assertThat(e).isInstanceOf(RegistryException.class);
  }

  @Test
  void countsLinesForMultiLineExpressions() {
    FilterException e = failure("Service.Port == 80\n  and Service.Port >= 8000");
    assertThat(e.position()).isEqualTo(38);
    assertThat(e.getMessage()).startsWith("2:20: unexpected '>'");
  }

  static Stream<Arguments> errors() {
    return Stream.of(
        arguments("", 0, "expected an expression, found end of input"),
        arguments("   ", 3, "expected an expression, found end of input"),
        // strings
        arguments("Service.ID == \"web", 14, "unterminated string: no closing '\"'"),
        arguments("Service.ID == `web", 14, "unterminated string: no closing '`'"),
        arguments("Service.ID == \"web\\", 14, "unterminated string"),
        arguments("Service.ID matches \"^web\\d+$\"", 24, "invalid escape '\\d'"),
        arguments("a == \"x\ny\"", 7, "newline in a double-quoted string"),
        arguments("a == \"\\uD800\"", 6, "is not a valid Unicode code point"),
        arguments("a == \"\\x4\"", 6, "escape sequence needs 2 base-16 digits"),
        arguments("a == \"\\400\"", 6, "octal escape \\400 is above \\377"),
        arguments("a == 'v2'", 5, "single quotes do not make a string"),
        // missing or misplaced values
        arguments("Service.Port ==", 15, "expected a value after '==', found end of input"),
        arguments("Service.Port == )", 16, "expected a value after '==', found ')'"),
        arguments("Service.Tags contains", 21, "expected a value after 'contains'"),
        arguments(
            "\"v2\" == Service.Tags", 5, "expected 'in' or 'not in' after the value string \"v2\""),
        arguments("\"v2\" in \"Service.Tags\"", 8, "expected a selector after 'in', found string"),
        arguments("v2 not in 7", 10, "expected a selector after 'not in', found '7'"),
        // unknown operators
        arguments("Service.Port >= 8000", 13, "filters cannot order values"),
        arguments("Service.Port = 8000", 13, "unexpected '='; compare with '=='"),
        arguments("Service.Port ! 8000", 13, "unexpected '!'; use '!=' or 'not'"),
        arguments("a == 1 && b == 2", 7, "unexpected '&'; use 'and'"),
        arguments("a == 1 || b == 2", 7, "unexpected '|'; use 'or'"),
        arguments("Service.Tags has v2", 13, "expected an operator (==, !=, in, not in"),
        arguments(
            "Service.Tags is nil", 16, "expected 'empty' or 'not empty' after 'is', found 'nil'"),
        arguments(
            "Service.Tags not has v2", 17, "expected 'in', 'contains' or 'matches' after 'not'"),
        arguments("Service.Tags", 12, "expected an operator"),
        // trailing garbage and keywords
        arguments("a == 1 b == 2", 7, "expected 'and', 'or' or end of input, found 'b'"),
        arguments("a == 1 AND b == 2", 7, "found 'AND' (keywords are lower case)"),
        arguments("a == 1 Or b == 2", 7, "(keywords are lower case)"),
        arguments("NOT a == 1", 4, "after 'NOT', found 'a' (keywords are lower case)"),
        arguments("Service.Tags IS EMPTY", 13, "found 'IS' (keywords are lower case)"),
        arguments("Service.Tags is Empty", 16, "found 'Empty' (keywords are lower case)"),
        arguments("Service.Tags not Contains x", 17, "found 'Contains' (keywords are lower"),
        arguments("\"x\" In Service.Tags", 4, "expected 'in' or 'not in' after the value"),
        arguments("a == prod-1", 9, "found '-1' (quote values that contain characters other than"),
        arguments("a == prod-x", 9, "unexpected '-'; quote values that contain '-'"),
        arguments(
            "a == 1.2.3", 5, "invalid number '1.2.3'; quote values that are not plain numbers"),
        arguments("a == 5ms", 5, "invalid number '5ms'"),
        arguments("a == 007", 5, "invalid number '007'"),
        arguments("a == 1 and", 10, "expected an expression, found end of input"),
        arguments("not", 3, "expected an expression, found end of input"),
        arguments("a == 1 and or b == 2", 11, "expected an expression, found 'or'"),
        arguments("a == \u00e9", 5, "unexpected character U+00E9"),
        arguments("_a == 1", 0, "unexpected character '_'"),
        // parentheses
        arguments("(a == 1", 7, "expected 'and', 'or' or ')' to close the '(' at 1:1, found end"),
        arguments("(a == 1 or (b == 2)", 19, "to close the '(' at 1:1"),
        arguments("a == 1)", 6, "unmatched ')'"),
        arguments("()", 1, "expected an expression, found ')'"),
        // selectors
        arguments("Service. Port == 1", 9, "expected a name right after '.', found 'Port'"),
        arguments("Service.8 == 1", 8, "expected a name right after '.', found '8'"),
        arguments("Service.Meta[version] == 1", 13, "expected a quoted key after '['"),
        arguments("Service.Meta[\"version\" == 1", 23, "expected ']' after the key, found '=='"),
        // regular expressions are compiled when parsing
        arguments("Service.ID matches \"(web\"", 19, "invalid regular expression: Unclosed group"),
        arguments(
            "Service.ID not matches `[z-a]`",
            23,
            "invalid regular expression: Illegal character range"));
  }

  @ParameterizedTest(name = "[{index}] {0}")
  @MethodSource("errors")
  void reportsWhatAndWhere(String expression, int position, String reason) {
    FilterException e = failure(expression);
    assertThat(e.reason()).contains(reason);
    assertThat(e.position()).as(e.getMessage()).isEqualTo(position);
    assertThat(e.getMessage()).startsWith(FilterException.location(expression, position) + ": ");
  }

  @Test
  void limitsNesting() {
    int tooDeep = FilterParser.MAX_DEPTH + 1;
    assertThat(failure("(".repeat(tooDeep) + "a == 1" + ")".repeat(tooDeep)).reason())
        .isEqualTo("expression nests more than 64 levels deep");
    assertThat(failure("not ".repeat(tooDeep) + "a == 1").reason())
        .isEqualTo("expression nests more than 64 levels deep");
    // A pathological input fails cleanly instead of overflowing the stack.
    assertThatThrownBy(() -> Filter.parse("(".repeat(100_000))).isInstanceOf(FilterException.class);
  }

  @Test
  void rejectsNullArguments() {
    assertThatThrownBy(() -> Filter.parse(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> Filter.ALL.matches(null)).isInstanceOf(NullPointerException.class);
  }
}
