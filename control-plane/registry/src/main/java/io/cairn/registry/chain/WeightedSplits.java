package io.cairn.registry.chain;

import java.util.List;
import java.util.Objects;

/**
 * Splits flattened to resolved targets: nested splitters' weights are multiplied in, the same
 * target is listed once, and weights (hundredths of a percent) add up to exactly 10000.
 */
public record WeightedSplits(List<Share> shares) implements ChainDestination {
  /** The sum of a splitter's weights, in hundredths of a percent. */
  public static final int TOTAL = 10_000;

  public WeightedSplits {
    shares = List.copyOf(shares);
    int sum = shares.stream().mapToInt(Share::basisPoints).sum();
    if (sum != TOTAL) {
      throw new IllegalArgumentException("shares add up to " + sum + ", not " + TOTAL);
    }
  }

  /** A share of the traffic, in hundredths of a percent (0 to 10000). */
  public record Share(int basisPoints, ResolvedTarget to) {
    public Share {
      if (basisPoints < 0 || basisPoints > TOTAL) {
        throw new IllegalArgumentException("weight out of range: " + basisPoints);
      }
      Objects.requireNonNull(to, "to");
    }
  }
}
