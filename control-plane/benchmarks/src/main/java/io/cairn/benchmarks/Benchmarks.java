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
      case "restore" -> RestoreBenchmark.run(rest);
      default -> {
        System.out.println(
            """
            usage: bin/bench <benchmark> [--seconds N] [--warmup N] [--writers 1,8,64]

            benchmarks:
              registrations   durable registrations/s on the embedded store (peer: SQLite,
                              one transaction per write)
              restore         restart recovery of N instances with checks, in fresh JVMs
                              [--instances 100000] [--runs 3] (peer: plain JDBC read of the rows)""");
        if (!name.equals("help")) {
          System.exit(2);
        }
      }
    }
  }
}
