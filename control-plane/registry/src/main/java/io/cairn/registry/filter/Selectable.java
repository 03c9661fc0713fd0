package io.cairn.registry.filter;

import java.util.List;
import java.util.Objects;

/**
 * A row a {@link Filter} can look into: resolves a selector path such as {@code ["Service", "Meta",
 * "version"]} (written {@code Service.Meta.version} or {@code Service.Meta["version"]}) to a value.
 *
 * <p>Contract:
 *
 * <ul>
 *   <li>Names are case-sensitive, as in go-bexpr: {@code service.port} is not {@code Service.Port}.
 *   <li>Return {@link FilterValue.Missing} when the path names nothing (an absent map key, an
 *       unknown field); never null.
 *   <li>Walk only through objects and maps. When the path continues past a list (Consul's {@code
 *       Checks.Status}), return {@code Missing}: the filter then asks for the list's own path
 *       ({@code ["Checks"]}) and applies the rest of the path to each element, which should be a
 *       {@link FilterValue.MapValue}.
 * </ul>
 */
@FunctionalInterface
public interface Selectable {

  /** The value at {@code path}, which is never empty; {@link FilterValue.Missing} if none. */
  FilterValue select(List<String> path);

  /**
   * A row held as a value tree (typically a {@link FilterValue.MapValue} built once per row): paths
   * walk map entries and stop, with {@code Missing}, at anything else.
   */
  static Selectable of(FilterValue root) {
    Objects.requireNonNull(root, "root");
    return path -> {
      FilterValue current = root;
      for (int i = 0; i < path.size(); i++) {
        if (!(current instanceof FilterValue.MapValue map)) {
          return FilterValue.missing();
        }
        current = map.get(path.get(i));
      }
      return current;
    };
  }
}
