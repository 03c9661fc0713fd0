package io.cairn.registry.fuzz;

import java.util.HexFormat;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.Function;

/**
 * One budgeted fuzz loop: the seed and iteration count come from system properties when set ({@code
 * cairn.fuzz.seed}, {@code cairn.fuzz.iterations}, the latter scaled per test from its default),
 * outcomes are counted by name and printed, and the first failure reports the seed, the iteration
 * and the input in hex so it can be replayed.
 */
public final class FuzzRun {
  /** What one input did: a short outcome name, counted. */
  @FunctionalInterface
  public interface Target {
    String run(byte[] input) throws Exception;
  }

  private final String name;
  private final long seed;
  private final int iterations;
  private final Map<String, Integer> outcomes = new TreeMap<>();
  private long slowestNanos;
  private String slowest = "";

  private FuzzRun(String name, long seed, int iterations) {
    this.name = name;
    this.seed = seed;
    this.iterations = iterations;
  }

  /**
   * A run named {@code name} with {@code defaultIterations} unless {@code cairn.fuzz.iterations} is
   * set; a set value applies to the unit-level runs as is and, to socket-level runs (those with
   * smaller defaults), scaled by the same factor over the default unit budget of 20,000.
   */
  public static FuzzRun of(String name, long defaultSeed, int defaultIterations) {
    long seed = Long.getLong("cairn.fuzz.seed", defaultSeed);
    Integer wanted = Integer.getInteger("cairn.fuzz.iterations");
    int iterations =
        wanted == null
            ? defaultIterations
            : (int) Math.max(1, (long) wanted * defaultIterations / 20_000);
    return new FuzzRun(name, seed, iterations);
  }

  public long seed() {
    return seed;
  }

  public int iterations() {
    return iterations;
  }

  /**
   * Feeds {@code iterations} inputs from {@code inputs} (built on a {@link java.util.Random} of the
   * run's seed) to {@code target}; any exception or error it lets out fails the run.
   */
  public Map<String, Integer> run(Function<Long, ? extends Inputs> inputs, Target target) {
    Inputs mutator = inputs.apply(seed);
    for (int i = 0; i < iterations; i++) {
      byte[] input = mutator.next();
      long start = System.nanoTime();
      String outcome;
      try {
        outcome = target.run(input);
      } catch (Throwable t) {
        throw new AssertionError(describe(i, input) + " threw " + t, t);
      }
      long took = System.nanoTime() - start;
      if (took > slowestNanos) {
        slowestNanos = took;
        slowest = describe(i, input);
      }
      outcomes.merge(outcome, 1, Integer::sum);
    }
    System.out.printf(
        "fuzz %s: seed=%d iterations=%d outcomes=%s slowest=%.1f ms%n",
        name, seed, iterations, outcomes, slowestNanos / 1e6);
    return outcomes;
  }

  /** The slowest input so far, for a budget assertion; its description names the input. */
  public long slowestNanos() {
    return slowestNanos;
  }

  public String slowest() {
    return slowest;
  }

  /** Replay information for one input: run name, seed, iteration, length and hex. */
  public String describe(int iteration, byte[] input) {
    String hex = HexFormat.of().formatHex(input, 0, Math.min(input.length, 512));
    return String.format(
        "fuzz %s seed=%d iteration=%d input(%d bytes, hex%s)=%s",
        name, seed, iteration, input.length, input.length > 512 ? ", first 512" : "", hex);
  }
}
