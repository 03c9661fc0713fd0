package io.cairn.benchmarks;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;

/** Options shared by the benchmarks. */
record BenchOptions(int seconds, int warmupSeconds, List<Integer> writers) {
  static BenchOptions parse(List<String> args) {
    int seconds = 10;
    int warmup = 3;
    List<Integer> writers = List.of(1, 8, 64);
    for (int i = 0; i < args.size(); i++) {
      String value = i + 1 < args.size() ? args.get(i + 1) : "";
      switch (args.get(i)) {
        case "--seconds" -> seconds = Integer.parseInt(value);
        case "--warmup" -> warmup = Integer.parseInt(value);
        case "--writers" ->
            writers =
                Arrays.stream(value.split(",")).map(String::strip).map(Integer::valueOf).toList();
        default -> throw new IllegalArgumentException("unknown option " + args.get(i));
      }
      i++;
    }
    return new BenchOptions(seconds, warmup, writers);
  }

  /** {@code --name value} pairs in order; a name without a value is an error. */
  static List<Map.Entry<String, String>> pairs(List<String> args) {
    List<Map.Entry<String, String>> pairs = new ArrayList<>();
    for (int i = 0; i < args.size(); i += 2) {
      if (i + 1 >= args.size()) {
        throw new IllegalArgumentException("option " + args.get(i) + " needs a value");
      }
      pairs.add(Map.entry(args.get(i), args.get(i + 1)));
    }
    return pairs;
  }
}
