package io.cairn.registry.filter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class FilterValueTest {

  @Test
  void convertsPlainJavaData() {
    FilterValue value =
        FilterValue.of(
            Map.of(
                "s",
                "x",
                "i",
                7,
                "l",
                7L,
                "d",
                0.5,
                "b",
                true,
                "list",
                List.of("a", 1),
                "o",
                Optional.empty(),
                "nested",
                Map.of("k", Optional.of("v"))));
    assertThat(value)
        .isEqualTo(
            FilterValue.map(
                Map.of(
                    "s", FilterValue.text("x"),
                    "i", FilterValue.number(7),
                    "l", FilterValue.number(7L),
                    "d", FilterValue.number(0.5),
                    "b", FilterValue.bool(true),
                    "list", FilterValue.list(List.of(FilterValue.text("a"), FilterValue.number(1))),
                    "o", FilterValue.missing(),
                    "nested", FilterValue.textMap(Map.of("k", "v")))));
  }

  @Test
  void refusesNullsAndUnknownTypes() {
    assertThatThrownBy(() -> FilterValue.of(null)).isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FilterValue.of(Arrays.asList("a", null)))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> FilterValue.of(Map.of(1, "x")))
        .hasMessageContaining("keys must be strings");
    assertThatThrownBy(() -> FilterValue.of(new Object()))
        .hasMessageContaining("cannot filter on a java.lang.Object");
    assertThatThrownBy(() -> FilterValue.text(null)).isInstanceOf(NullPointerException.class);
    assertThatThrownBy(() -> FilterValue.number(Double.NaN))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void copiesCollections() {
    List<FilterValue> elements = new ArrayList<>(List.of(FilterValue.text("a")));
    FilterValue.ListValue list = FilterValue.list(elements);
    elements.add(FilterValue.text("b"));
    assertThat(list.elements()).containsExactly(FilterValue.text("a"));

    Map<String, String> entries = new HashMap<>(Map.of("k", "v"));
    FilterValue.MapValue map = FilterValue.textMap(entries);
    entries.put("k2", "v2");
    assertThat(map.entries()).containsOnlyKeys("k");
    assertThat(map.get("k")).isEqualTo(FilterValue.text("v"));
    assertThat(map.get("k2")).isEqualTo(FilterValue.missing());
  }

  @Test
  void selectableOfWalksMapsAndStopsAtAnythingElse() {
    Selectable row =
        Selectable.of(
            FilterValue.of(Map.of("A", Map.of("B", "x"), "L", List.of(Map.of("C", "y")))));
    assertThat(row.select(List.of("A", "B"))).isEqualTo(FilterValue.text("x"));
    assertThat(row.select(List.of("A"))).isInstanceOf(FilterValue.MapValue.class);
    assertThat(row.select(List.of("A", "B", "C"))).isEqualTo(FilterValue.missing());
    assertThat(row.select(List.of("L", "C"))).isEqualTo(FilterValue.missing());
    assertThat(row.select(List.of("Z"))).isEqualTo(FilterValue.missing());
  }
}
