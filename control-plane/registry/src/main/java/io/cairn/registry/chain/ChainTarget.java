package io.cairn.registry.chain;

import java.util.Comparator;
import java.util.Objects;

/**
 * A set of instances a chain ends at: a service, or one resolver subset of it.
 *
 * @param subset a subset its resolver defines; empty for every instance of the service
 */
public record ChainTarget(String service, String subset) implements Comparable<ChainTarget> {
  private static final Comparator<ChainTarget> ORDER =
      Comparator.comparing(ChainTarget::service).thenComparing(ChainTarget::subset);

  public ChainTarget {
    Objects.requireNonNull(service, "service");
    Objects.requireNonNull(subset, "subset");
  }

  @Override
  public int compareTo(ChainTarget other) {
    return ORDER.compare(this, other);
  }

  @Override
  public String toString() {
    return subset.isEmpty() ? service : service + " (subset " + subset + ")";
  }
}
