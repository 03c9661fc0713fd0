package io.cairn.benchmarks;

import java.util.Arrays;
import java.util.List;

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
}
