package io.cairn.registry.config;

import io.cairn.registry.filter.Filter;
import io.cairn.registry.filter.FilterException;
import io.cairn.registry.validation.Problems;

/**
 * A named slice of a service's instances, chosen by a filter expression over the instance (e.g.
 * {@code Service.Meta.version == v2}).
 *
 * @param filter the selecting expression; empty selects every instance
 * @param onlyPassing whether warning instances are left out too
 */
public record ResolverSubset(String filter, boolean onlyPassing) {
  private static final int MAX_FILTER = 1024;

  public ResolverSubset {
    Problems p = new Problems();
    if (filter == null) {
      p.add("filter", "must not be null (use an empty string)");
    } else if (filter.length() > MAX_FILTER) {
      p.add("filter", "is longer than " + MAX_FILTER + " characters");
    } else if (!filter.isBlank()) {
      try {
        Filter.parse(filter);
      } catch (FilterException e) {
        p.add("filter", e.getMessage());
      }
    }
    p.throwIfAny();
  }
}
