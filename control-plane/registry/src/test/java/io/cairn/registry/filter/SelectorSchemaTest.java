package io.cairn.registry.filter;

import static io.cairn.registry.filter.SelectorSchema.integer;
import static io.cairn.registry.filter.SelectorSchema.listOf;
import static io.cairn.registry.filter.SelectorSchema.mapOf;
import static io.cairn.registry.filter.SelectorSchema.object;
import static io.cairn.registry.filter.SelectorSchema.text;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.params.provider.Arguments.arguments;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** With a schema, expressions that cannot fit the row type are refused at parse time. */
class SelectorSchemaTest {

  private static FilterException failure(String expression) {
    try {
      Filter.parse(expression, HealthRows.SCHEMA);
    } catch (FilterException e) {
      return e;
    }
    throw new AssertionError("parsed, but should not have: " + expression);
  }

  static Stream<Arguments> refused() {
    return Stream.of(
        // unknown selectors
        arguments(
            "Servce.Port == 1",
            0,
            "unknown selector 'Servce.Port'; selectors start with Checks, Node, Service"),
        arguments(
            "Service.Prot == 1",
            8,
            "unknown selector 'Service.Prot'; Service has fields Address, EnableTagOverride, ID,"
                + " Kind, Load, Meta, Port, Service, TaggedAddresses, Tags, Weights"),
        arguments(
            "service.Port == 1",
            0,
            "unknown selector 'service.Port' (names are case-sensitive: did you mean 'Service'?)"),
        arguments("\"x\" in Service[\"tags\"]", 15, "did you mean 'Tags'?"),
        arguments("Checks.Stat == passing", 7, "unknown selector 'Checks.Stat'; Checks has fields"),
        arguments("Service.TaggedAddresses.lan.Host == x", 28, "Service.TaggedAddresses.lan has"),
        // selecting into something without fields
        arguments("Service.Port.Number == 1", 13, "Service.Port is an integer and has no fields"),
        arguments(
            "Service.Tags.first == v1", 13, "Service.Tags is a list of strings and has no fields"),
        arguments(
            "Service.Meta.version.major == 1", 21, "Service.Meta.version is a string and has no"),
        // operators that do not apply
        arguments(
            "Service.Tags == v2",
            13,
            "operator '==' does not apply to Service.Tags, a list of strings; use in, not in,"
                + " contains, not contains, is empty or is not empty"),
        arguments(
            "Service.Tags matches v", 13, "operator 'matches' does not apply to Service.Tags"),
        arguments(
            "Service.Port contains 80",
            13,
            "operator 'contains' does not apply to Service.Port, an integer; use == or !="),
        arguments(
            "Service.Port is empty", 13, "operator 'is empty' does not apply to Service.Port"),
        arguments("Service.EnableTagOverride matches t", 26, "a boolean; use == or !="),
        arguments("Service.Port not contains 8", 13, "operator 'not contains' does not apply"),
        arguments(
            "\"8\" not in Service.Port", 4, "operator 'not in' does not apply to Service.Port"),
        arguments("x in Service.Port", 2, "operator 'in' does not apply to Service.Port"),
        arguments("Service.Meta == x", 13, "operator '==' does not apply to Service.Meta, a map"),
        arguments(
            "Checks.Status is empty and Checks == x",
            34,
            "Checks, a list of objects; use is empty or is not empty, or select a field of its elements"),
        arguments(
            "Service is not empty", 8, "Service is an object; select one of its fields: Address,"),
        arguments("Service.Weights == 1", 16, "Service.Weights is an object"),
        // values that do not read as the field's type
        arguments(
            "Service.Port == web", 16, "'web' is not an integer, as Service.Port is an integer"),
        arguments("Service.Port == 8080.0", 16, "'8080.0' is not an integer"),
        arguments("Service.Port != \"0x1F\"", 16, "'0x1F' is not an integer"),
        arguments("Service.Port == 99999999999999999999", 16, "is not an integer"),
        arguments(
            "Service.Load == fast", 16, "'fast' is not a number, as Service.Load is a number"),
        arguments("Service.EnableTagOverride == yes", 29, "'yes' is not a boolean"),
        arguments("Service.Weights.Passing == `1 `", 27, "'1 ' is not an integer"),
        arguments("Service.TaggedAddresses.lan.Port == lan", 36, "is not an integer"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("refused")
  void refusesWhatTheSchemaRulesOut(String expression, int position, String reason) {
    FilterException e = failure(expression);
    assertThat(e.reason()).contains(reason);
    assertThat(e.position()).as(e.getMessage()).isEqualTo(position);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "Service.Meta.anything == x",
        "Service.Meta[\"any key at all\"] is empty",
        "Node.TaggedAddresses.wan matches `^10\\.`",
        "1 in Service.Tags",
        "Service.Service is empty",
        "Service.Port == -1",
        "Service.Load == 3",
        "Checks.ServiceTags contains v1",
        "Checks is not empty",
        "Service.EnableTagOverride != FALSE"
      })
  void acceptsWhatTheSchemaAllows(String expression) {
    assertThat(Filter.parse(expression, HealthRows.SCHEMA).expression()).isEqualTo(expression);
  }

  @Test
  void readsInValuesAsTheListElementType() {
    SelectorSchema schema = object().with("Ports", listOf(integer()));
    assertThat(
            Filter.parse("80 in Ports", schema)
                .matches(Rows.row(Map.of("Ports", java.util.List.of(80)))))
        .isTrue();
    assertThatThrownBy(() -> Filter.parse("http not in Ports", schema))
        .isInstanceOfSatisfying(
            FilterException.class,
            e -> {
              assertThat(e.position()).isZero();
              assertThat(e.reason())
                  .isEqualTo("'http' is not an integer, as Ports is a list of integers");
            });
  }

  @Test
  void aMapRootAllowsAnyTopLevelName() {
    Filter filter = Filter.parse("anything.Port == 1", mapOf(object().with("Port", integer())));
    assertThat(filter.matches(Rows.row(Map.of("anything", Map.of("Port", 1))))).isTrue();
    assertThatThrownBy(
            () -> Filter.parse("anything.Host == x", mapOf(object().with("Port", integer()))))
        .isInstanceOf(FilterException.class)
        .hasMessageContaining("anything has fields Port");
  }

  @Test
  void listsOfListsOfObjectsAreSearchedThrough() {
    SelectorSchema schema = object().with("Groups", listOf(listOf(object().with("Name", text()))));
    Selectable row =
        Rows.row(
            Map.of(
                "Groups",
                java.util.List.of(java.util.List.of(), java.util.List.of(Map.of("Name", "b")))));
    assertThat(Filter.parse("Groups.Name == b", schema).matches(row)).isTrue();
    assertThat(Filter.parse("Groups.Name == a", schema).matches(row)).isFalse();
  }

  @Test
  void rootMustBeAnObjectOrAMap() {
    assertThatThrownBy(() -> Filter.parse("a == 1", text()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> Filter.parse("a == 1", listOf(object())))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void schemasAreImmutableValues() {
    Map<String, SelectorSchema> fields = new HashMap<>(Map.of("A", text()));
    SelectorSchema.ObjectOf schema = SelectorSchema.object(fields);
    fields.put("B", text());
    assertThat(schema.fields()).containsOnlyKeys("A");
    assertThat(schema.with("B", integer()).fields()).containsOnlyKeys("A", "B");
    assertThat(schema.fields()).containsOnlyKeys("A");
    assertThat(object().with("A", text())).isEqualTo(SelectorSchema.object(Map.of("A", text())));
    assertThatThrownBy(() -> object().with("", text()))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> listOf(null)).isInstanceOf(NullPointerException.class);
  }
}
