package io.cairn.registry.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.registry.fuzz.FuzzRun;
import io.cairn.registry.fuzz.Mutator;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Hostile filter expressions: every input parses or throws {@link FilterException}, and what parses
 * evaluates over real rows without any other exception, nesting and all.
 */
class FilterFuzzTest {
  private static final List<String> SEEDS =
      List.of(
          "Service.Meta.version == \"2\"",
          "\"canary\" in Service.Tags",
          "Service.Tags is empty",
          "Service.Tags contains \"v2\"",
          "Node.Meta.os == linux and Service.Port == 8080",
          "Checks.Status == passing",
          "Service.ID matches \"^web\" and Service.Tags not contains canary",
          "Node.Datacenter == dc2 or Service.Meta.env == prod",
          "not (Service.Port == 8080 or Service.Weights.Passing == 10)",
          "Service.Meta[\"env\"] != qa and Service.Load == 0.5",
          "Service.TaggedAddresses.lan.Port == 80",
          "Service.EnableTagOverride == true and v1 not in Service.Tags",
          "Node.Meta is not empty",
          "Service.Address matches `(x+x+)+y`");
  private static final List<String> TOKENS =
      List.of(
          " and ",
          " or ",
          " not ",
          "(",
          ")",
          "==",
          "!=",
          " in ",
          " contains ",
          " matches ",
          " is ",
          " empty ",
          "\"",
          "`",
          ".",
          "[",
          "]",
          "Service.",
          "Meta[\"",
          "\\",
          "-",
          "1e308",
          "(a+)+$",
          "[",
          "\n");
  private static final Map<String, Selectable> ROWS =
      Map.of(
          "web1", Rows.row(HealthRows.WEB1),
          "web2", Rows.row(HealthRows.WEB2),
          "api1", Rows.row(HealthRows.API1));

  @Test
  @Timeout(60)
  void everyExpressionParsesOrIsAFilterException() {
    FuzzRun run = FuzzRun.of("filter", 20261124L, 20_000);
    Map<String, Integer> outcomes =
        run.run(
            seed -> Mutator.ofText(new Random(seed), SEEDS, TOKENS),
            bytes -> {
              String text = new String(bytes, StandardCharsets.UTF_8);
              String schemaOutcome = parse(() -> Filter.parse(text, HealthRows.SCHEMA));
              String freeOutcome = parse(() -> Filter.parse(text));
              return "schema:" + schemaOutcome + " free:" + freeOutcome;
            });
    assertThat(outcomes)
        .containsKeys("schema:matched free:matched", "schema:rejected free:rejected");
    assertThat(run.slowestNanos()).as(run.slowest()).isLessThan(5_000_000_000L);
  }

  /** "matched" when it parsed and evaluated, "rejected" for a FilterException at either step. */
  private static String parse(java.util.function.Supplier<Filter> parse) {
    try {
      Filter filter = parse.get();
      for (Selectable row : ROWS.values()) {
        filter.matches(row);
      }
      return "matched";
    } catch (FilterException e) {
      assertThat(e.getMessage()).matches("(?s)\\d+:\\d+: .+");
      return "rejected";
    }
  }

  @Test
  void tenThousandOpenParenthesesAreAFilterExceptionNotAStackOverflow() {
    String deep = "(".repeat(10_000) + "Service.Port == 1" + ")".repeat(10_000);
    assertThatThrownBy(() -> Filter.parse(deep, HealthRows.SCHEMA))
        .isInstanceOf(FilterException.class)
        .hasMessageContaining("nests more than 64 levels");
    String nots = "not ".repeat(10_000) + "Service.Port == 1";
    assertThatThrownBy(() -> Filter.parse(nots)).isInstanceOf(FilterException.class);
    String ands = "Service.Port == 1 and ".repeat(10_000) + "Service.Port == 2";
    assertThat(Filter.parse(ands).matches(ROWS.get("web1"))).isFalse();
  }

  @Test
  void aRegularExpressionLongerThan4096CharactersIsRejectedBeforeCompiling() {
    String longest = "x".repeat(MatchParser.MAX_REGEX_LENGTH);
    assertThat(Filter.parse("Service.ID matches \"" + longest + "\"").matches(ROWS.get("web1")))
        .isFalse();
    long start = System.nanoTime();
    assertThatThrownBy(() -> Filter.parse("Service.ID matches \"" + "x".repeat(60_000) + "\""))
        .isInstanceOf(FilterException.class)
        .hasMessageContaining("regular expression of 60000 characters; at most 4096");
    assertThat((System.nanoTime() - start) / 1e6).isLessThan(1000.0);
  }
}
