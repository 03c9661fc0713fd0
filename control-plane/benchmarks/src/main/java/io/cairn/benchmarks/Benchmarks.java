package io.cairn.benchmarks;

import java.util.List;

/** Entry point: {@code bin/bench <name> [options]}. */
public final class Benchmarks {
  private Benchmarks() {}

  public static void main(String[] args) throws Exception {
    String name = args.length == 0 ? "help" : args[0];
    List<String> rest = List.of(args).subList(Math.min(1, args.length), args.length);
    switch (name) {
      case "registrations" -> RegistrationBenchmark.run(BenchOptions.parse(rest));
      default -> {
        System.out.println(
            """
            usage: bin/bench <benchmark> [--seconds N] [--warmup N] [--writers 1,8,64]

            benchmarks:
              registrations   durable registrations/s on the embedded store (peer: SQLite,
                              one transaction per write)""");
        if (!name.equals("help")) {
          System.exit(2);
        }
      }
    }
  }
}
