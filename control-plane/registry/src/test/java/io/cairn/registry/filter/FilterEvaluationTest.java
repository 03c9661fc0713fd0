package io.cairn.registry.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Assertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Which rows each operator matches, on rows shaped like Consul health entries. */
class FilterEvaluationTest {
  private static final Map<String, Selectable> ROWS = HealthRows.rows();

  static Stream<Arguments> cases() {
    return Stream.of(
        // == and != on strings, integers, decimals and booleans; quoting does not matter.
        arguments("Service.Service == web", List.of("web1", "web2")),
        arguments("Service.Service == \"web\"", List.of("web1", "web2")),
        arguments("Service.Service != web", List.of("api1")),
        arguments("Service.Service == Web", List.of()),
        arguments("Service.Address == \"\"", List.of("api1")),
        arguments("Service.Port == 8080", List.of("api1", "web1")),
        arguments("Service.Port == \"8080\"", List.of("api1", "web1")),
        arguments("Service.Port != 8080", List.of("web2")),
        arguments("Service.Port == -8080", List.of()),
        arguments("Service.Weights.Passing == 10", List.of("web1")),
        arguments("Service.Load == 0.5", List.of("web1")),
        arguments("Service.Load == 0.50", List.of("web1")),
        arguments("Service.Load == `5e-1`", List.of("web1")),
        arguments("Service.Load == 0", List.of("api1")),
        arguments("Service.Load != 1.25", List.of("api1", "web1")),
        arguments("Service.EnableTagOverride == true", List.of("web2")),
        arguments("Service.EnableTagOverride == True", List.of("web2")),
        arguments("Service.EnableTagOverride == 1", List.of("web2")),
        arguments("Service.EnableTagOverride == f", List.of("api1", "web1")),
        arguments("Service.EnableTagOverride != false", List.of("web2")),
        // in / contains: list elements, map keys, substrings.
        arguments("\"v2\" in Service.Tags", List.of("web2")),
        arguments("canary in Service.Tags", List.of("web1")),
        arguments("Service.Tags contains \"v1\"", List.of("web1")),
        arguments("\"v\" in Service.Tags", List.of()),
        arguments("\"canary\" not in Service.Tags", List.of("api1", "web2")),
        arguments("Service.Tags not contains canary", List.of("api1", "web2")),
        arguments("\"version\" in Service.Meta", List.of("web1", "web2")),
        arguments("\"2\" in Service.Meta", List.of()),
        arguments("Service.Meta contains env", List.of("web1")),
        arguments("\"version\" not in Service.Meta", List.of("api1")),
        arguments("\"eb\" in Service.Service", List.of("web1", "web2")),
        arguments("Service.ID contains \"1\"", List.of("api1", "web1")),
        arguments("Service.ID not contains \"web\"", List.of("api1")),
        // matches finds the pattern anywhere, like Go's Regexp.Match.
        arguments("Service.ID matches \"eb\"", List.of("web1", "web2")),
        arguments("Service.ID matches \"^web[0-9]$\"", List.of("web1", "web2")),
        arguments("Service.ID matches `^eb`", List.of()),
        arguments("Service.ID not matches `2$`", List.of("api1", "web1")),
        arguments("Service.Address matches `^10\\.0\\.0\\.[12]$`", List.of("web1", "web2")),
        arguments("Node.Meta.os matches \"^(linux|darwin)$\"", List.of("web1", "web2")),
        // is empty on lists, maps and strings.
        arguments("Service.Tags is empty", List.of("api1")),
        arguments("Service.Tags is not empty", List.of("web1", "web2")),
        arguments("Service.Meta is empty", List.of("api1")),
        arguments("Node.Meta is not empty", List.of("web1", "web2")),
        arguments("Service.Address is empty", List.of("api1")),
        arguments("Checks is empty", List.of("api1")),
        // Map keys: dotted or bracketed; a missing key is a missing value.
        arguments("Service.Meta.version == 2", List.of("web1")),
        arguments("Service.Meta[\"version\"] == \"3\"", List.of("web2")),
        arguments("Service.Meta[\"odd key\"] == \"x-y\"", List.of("web2")),
        arguments("Service.Meta.version != 2", List.of("api1", "web2")),
        arguments("Service.Meta.version is empty", List.of("api1")),
        arguments("Service.Meta.version is not empty", List.of("web1", "web2")),
        arguments("Service.Meta.version matches `.*`", List.of("web1", "web2")),
        arguments("Service.Meta.version not matches `.*`", List.of("api1")),
        arguments("\"x\" in Service.Meta.version", List.of()),
        arguments("\"x\" not in Service.Meta.version", List.of("api1", "web1", "web2")),
        arguments("Service.TaggedAddresses.lan.Port == 8080", List.of("web1")),
        arguments("\"lan\" in Service.TaggedAddresses", List.of("web1")),
        // Through a list: true when any element matches; no elements match nothing.
        arguments("Checks.Status == passing", List.of("web1", "web2")),
        arguments("Checks.Status == critical", List.of("web2")),
        arguments("Checks.Status != passing", List.of("web2")),
        arguments("not Checks.Status != passing", List.of("api1", "web1")),
        arguments("Checks.CheckID matches `^service:`", List.of("web1", "web2")),
        arguments("canary in Checks.ServiceTags", List.of("web1")),
        arguments("Checks.ServiceTags is empty", List.of("web1", "web2")),
        arguments("Checks.ServiceTags is not empty", List.of("web1")),
        // Boolean structure.
        arguments(
            "Service.Service == web and Service.Port == 8080 or Service.ID == api1",
            List.of("api1", "web1")),
        arguments(
            "Service.Service == web and (Service.Port == 8080 or Service.ID == api1)",
            List.of("web1")),
        arguments("not Service.Service == web", List.of("api1")),
        arguments("not (Service.Service == web or Service.Port == 8080)", List.of()),
        arguments(
            "Node.Datacenter == dc1 and not \"canary\" in Service.Tags and Checks.Status == passing",
            List.of("web2")));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesWithoutSchema(String expression, List<String> expected) {
    assertThat(Rows.matching(expression, ROWS)).isEqualTo(expected);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void matchesTheSameWithSchema(String expression, List<String> expected) {
    assertThat(Rows.matching(Filter.parse(expression, HealthRows.SCHEMA), ROWS))
        .isEqualTo(expected);
  }

  @Test
  void namesAreCaseSensitive() {
    assertThat(Rows.matching("service.service == web", ROWS)).isEmpty();
    assertThat(Rows.matching("service.service != web", ROWS)).hasSize(3);
    assertThat(Rows.matching("Service.Meta.Version == 2", ROWS)).isEmpty();
  }

  @Test
  void withoutSchemaValuesOfTheWrongTypeDoNotMatch() {
    // With a schema these are parse errors (see SchemaTest); without one they are simply false.
    assertThat(Rows.matching("Service.Port == web", ROWS)).isEmpty();
    assertThat(Rows.matching("Service.Port == 8080.0", ROWS)).isEmpty();
    assertThat(Rows.matching("Service.Port != web", ROWS)).hasSize(3);
    assertThat(Rows.matching("Service.Tags == v2", ROWS)).isEmpty();
    assertThat(Rows.matching("Service.Port contains 80", ROWS)).isEmpty();
    assertThat(Rows.matching("Service.Port matches `80`", ROWS)).isEmpty();
    assertThat(Rows.matching("Service.Port is empty", ROWS)).isEmpty();
    assertThat(Rows.matching("Service.EnableTagOverride == yes", ROWS)).isEmpty();
    assertThat(Rows.matching("Service.Port.x == 1", ROWS)).isEmpty();
  }

  @Test
  void comparesListElementsByTheirOwnType() {
    Selectable row = Rows.row(Map.of("Ports", List.of(80, 443), "Mixed", List.of("x", 7, true)));
    assertThat(Filter.parse("80 in Ports").matches(row)).isTrue();
    assertThat(Filter.parse("\"443\" in Ports").matches(row)).isTrue();
    assertThat(Filter.parse("8 in Ports").matches(row)).isFalse();
    assertThat(Filter.parse("Ports contains web").matches(row)).isFalse();
    assertThat(Filter.parse("7 in Mixed and x in Mixed and true in Mixed").matches(row)).isTrue();
    assertThat(Filter.parse("false in Mixed").matches(row)).isFalse();
  }

  @Test
  void worksWithAHandWrittenSelectable() {
    Selectable row =
        path ->
            switch (String.join(".", path)) {
              case "Service.Service" -> FilterValue.text("web");
              case "Service.Tags" -> FilterValue.texts(List.of("v2"));
              case "Service.Meta" -> FilterValue.textMap(Map.of("version", "v2"));
              case "Service.Meta.version" -> FilterValue.text("v2");
              default -> FilterValue.missing();
            };
    assertThat(Filter.parse("Service.Meta.version == v2 and v2 in Service.Tags").matches(row))
        .isTrue();
    assertThat(Filter.parse("Service.Meta.other != x").matches(row)).isTrue();
    assertThat(Filter.parse("Service.Port == 80").matches(row)).isFalse();
  }

  @Test
  void allMatchesEverything() {
    assertThat(Filter.ALL.matches(path -> FilterValue.missing())).isTrue();
    assertThat(Rows.matching(Filter.ALL, ROWS)).hasSize(3);
  }

  @Test
  void asksWithoutSchemaForShorterPathsOnlyWhenAValueIsMissing() {
    Rows.Recording row = new Rows.Recording(Rows.row(HealthRows.WEB1));
    Filter.parse("Service.Meta.version == 2").matches(row);
    assertThat(row.asked).containsExactly(List.of("Service", "Meta", "version"));

    row.asked.clear();
    Filter.parse("Service.Meta.nope == 2").matches(row);
    assertThat(row.asked)
        .containsExactly(List.of("Service", "Meta", "nope"), List.of("Service", "Meta"));
  }

  @Test
  void withSchemaAsksForTheListThenLooksInsideEachElement() {
    Rows.Recording row = new Rows.Recording(Rows.row(HealthRows.WEB2));
    assertThat(Filter.parse("Checks.Status == critical", HealthRows.SCHEMA).matches(row)).isTrue();
    assertThat(row.asked).containsExactly(List.of("Checks", "Status"), List.of("Checks"));

    row.asked.clear();
    Filter.parse("Service.Meta.nope == 2", HealthRows.SCHEMA).matches(row);
    assertThat(row.asked).containsExactly(List.of("Service", "Meta", "nope"));
  }

  @Test
  void stopsARunawayRegularExpression() {
    Selectable row = Rows.row(Map.of("Output", "x".repeat(512)));
    Filter filter = Filter.parse("Output matches `(x+x+)+y`");
    Assertions.assertTimeoutPreemptively(
        Duration.ofSeconds(10),
        () ->
            assertThatThrownBy(() -> filter.matches(row))
                .isInstanceOfSatisfying(
                    FilterException.class,
                    e -> {
                      assertThat(e.position()).isEqualTo(15);
                      assertThat(e.reason()).contains("needs too many steps");
                    }));
    // The same pattern is fine on short values, and ordinary quadratic searches stay within budget.
    assertThat(filter.matches(Rows.row(Map.of("Output", "xxxy")))).isTrue();
    assertThat(Filter.parse("Output matches `.*error.*`").matches(row)).isFalse();
    Selectable big = Rows.row(Map.of("Output", "x".repeat(4096) + " error"));
    assertThat(Filter.parse("Output matches `.*error.*`").matches(big)).isTrue();
  }

  @Test
  void evaluatesConcurrently() throws Exception {
    Filter filter = Filter.parse("Checks.Status != passing or Service.ID matches `^web1$`");
    List<Thread> threads = new java.util.ArrayList<>();
    List<Throwable> failures = new java.util.concurrent.CopyOnWriteArrayList<>();
    for (int t = 0; t < 4; t++) {
      Thread thread =
          new Thread(
              () -> {
                for (int i = 0; i < 10_000; i++) {
                  if (!Rows.matching(filter, ROWS).equals(List.of("web1", "web2"))) {
                    failures.add(new AssertionError("wrong result on iteration " + i));
                    return;
                  }
                }
              });
      threads.add(thread);
      thread.start();
    }
    for (Thread thread : threads) {
      thread.join();
    }
    assertThat(failures).isEmpty();
  }
}
