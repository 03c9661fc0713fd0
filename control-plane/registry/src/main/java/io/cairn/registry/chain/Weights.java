package io.cairn.registry.chain;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/** Rounds flattened split weights to whole hundredths of a percent that still add up to 10000. */
final class Weights {
  private Weights() {}

  /** Largest remainder: each share rounded down, the leftover units to the largest fractions. */
  static WeightedSplits rounded(Map<ResolvedTarget, Double> exact) {
    List<ResolvedTarget> order = new ArrayList<>(exact.keySet());
    int[] units = new int[order.size()];
    double[] fraction = new double[order.size()];
    int sum = 0;
    for (int i = 0; i < order.size(); i++) {
      double v = exact.get(order.get(i));
      // Products of two-decimal percentages are exact to well below 1e-6 of a unit.
      units[i] = (int) Math.floor(v + 1e-6);
      fraction[i] = v - units[i];
      sum += units[i];
    }
    List<Integer> byFraction = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      byFraction.add(i);
    }
    byFraction.sort(Comparator.comparingDouble((Integer i) -> -fraction[i]));
    for (int k = 0; sum < WeightedSplits.TOTAL && k < byFraction.size(); k++, sum++) {
      units[byFraction.get(k)]++;
    }
    List<WeightedSplits.Share> shares = new ArrayList<>();
    for (int i = 0; i < order.size(); i++) {
      shares.add(new WeightedSplits.Share(units[i], order.get(i)));
    }
    return new WeightedSplits(shares);
  }
}
