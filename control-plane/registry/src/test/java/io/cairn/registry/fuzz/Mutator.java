package io.cairn.registry.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

/**
 * Turns valid seed inputs into hostile ones: bit flips, random bytes, inserted, deleted and
 * duplicated ranges, splices of two seeds, dictionary tokens (huge numbers, deep nesting, long
 * strings, invalid UTF-8, NULs) and, now and then, pure random bytes. Everything comes from one
 * {@link Random}, so a seed replays the same sequence.
 */
public final class Mutator implements Inputs {
  /** Tokens that break parsers more often than random bytes do. */
  static final List<byte[]> HOSTILE =
      List.of(
          bytes("99999999999999999999999999999999"),
          bytes("-9223372036854775809"),
          bytes("2147483648"),
          bytes("1e999999"),
          bytes("-0"),
          bytes("NaN"),
          bytes("0x7fffffff"),
          bytes("\u0000"),
          new byte[] {(byte) 0xc0, (byte) 0x80}, // overlong NUL
          new byte[] {(byte) 0xed, (byte) 0xa0, (byte) 0x80}, // lone surrogate
          new byte[] {(byte) 0xff, (byte) 0xfe},
          new byte[] {(byte) 0xf0, (byte) 0x9f}, // truncated 4-byte sequence
          bytes("\uD83D\uDE00"),
          bytes("\\u0000"),
          bytes("\\ud800"),
          bytes("\""),
          bytes("\\"),
          bytes("null"),
          bytes("true"),
          bytes("[]"),
          bytes("{}"),
          bytes("\r\n"));

  private final Random random;
  private final List<byte[]> seeds;
  private final List<byte[]> dictionary;

  /**
   * @param seeds valid inputs to mutate from
   * @param tokens the format's own keywords and punctuation, mixed with {@link #HOSTILE}
   */
  public Mutator(Random random, List<byte[]> seeds, List<String> tokens) {
    if (seeds.isEmpty()) {
      throw new IllegalArgumentException("no seeds");
    }
    this.random = random;
    this.seeds = List.copyOf(seeds);
    List<byte[]> all = new ArrayList<>(HOSTILE);
    tokens.forEach(t -> all.add(bytes(t)));
    this.dictionary = List.copyOf(all);
  }

  /** Seeds given as text, mutated as UTF-8. */
  public static Mutator ofText(Random random, List<String> seeds, List<String> tokens) {
    return new Mutator(random, seeds.stream().map(Mutator::bytes).toList(), tokens);
  }

  public Random random() {
    return random;
  }

  /** The next input: one in 16 purely random, one in 16 an unchanged seed, else 1-4 mutations. */
  @Override
  public byte[] next() {
    int pick = random.nextInt(16);
    if (pick == 0) {
      byte[] junk = new byte[random.nextInt(256)];
      random.nextBytes(junk);
      return junk;
    }
    byte[] input = seed();
    if (pick == 1) {
      return input;
    }
    for (int n = 1 + random.nextInt(4); n > 0; n--) {
      input = mutate(input);
    }
    return input;
  }

  /** {@link #next()} decoded as UTF-8 (invalid sequences become U+FFFD). */
  public String nextText() {
    return new String(next(), StandardCharsets.UTF_8);
  }

  private byte[] seed() {
    return seeds.get(random.nextInt(seeds.size())).clone();
  }

  private byte[] mutate(byte[] in) {
    int len = in.length;
    return switch (random.nextInt(11)) {
      case 0 -> {
        if (len == 0) {
          yield in;
        }
        byte[] out = in.clone();
        out[random.nextInt(len)] ^= (byte) (1 << random.nextInt(8));
        yield out;
      }
      case 1 -> {
        if (len == 0) {
          yield in;
        }
        byte[] out = in.clone();
        out[random.nextInt(len)] = (byte) random.nextInt(256);
        yield out;
      }
      case 2 -> {
        byte[] junk = new byte[1 + random.nextInt(8)];
        random.nextBytes(junk);
        yield insert(in, random.nextInt(len + 1), junk);
      }
      case 3 -> {
        if (len == 0) {
          yield in;
        }
        int from = random.nextInt(len);
        int to = Math.min(len, from + 1 + random.nextInt(Math.min(len - from, 16)));
        byte[] out = new byte[len - (to - from)];
        System.arraycopy(in, 0, out, 0, from);
        System.arraycopy(in, to, out, from, len - to);
        yield out;
      }
      case 4 -> {
        if (len == 0) {
          yield in;
        }
        int from = random.nextInt(len);
        int to = Math.min(len, from + 1 + random.nextInt(32));
        yield insert(in, random.nextInt(len + 1), Arrays.copyOfRange(in, from, to));
      }
      case 5 -> {
        byte[] other = seed();
        int cut = random.nextInt(len + 1);
        int from = random.nextInt(other.length + 1);
        byte[] out = Arrays.copyOf(in, cut + other.length - from);
        System.arraycopy(other, from, out, cut, other.length - from);
        yield out;
      }
      case 6, 7 ->
          insert(in, random.nextInt(len + 1), dictionary.get(random.nextInt(dictionary.size())));
      case 8 -> Arrays.copyOf(in, random.nextInt(len + 1)); // truncated
      case 9 -> insert(in, random.nextInt(len + 1), repeat(random.nextInt(4)));
      default -> {
        // One token repeated: deep nesting, or a long string or number.
        byte[] token = dictionary.get(random.nextInt(dictionary.size()));
        int times = 1 + random.nextInt(random.nextInt(8) == 0 ? 20_000 : 64);
        byte[] run = new byte[Math.min(token.length * times, 200_000)];
        for (int i = 0; i < run.length; i++) {
          run[i] = token[i % token.length];
        }
        yield insert(in, random.nextInt(len + 1), run);
      }
    };
  }

  /** Nesting openers or a long run of one character, up to 20,000 long. */
  private byte[] repeat(int kind) {
    byte unit =
        switch (kind) {
          case 0 -> '[';
          case 1 -> '{';
          case 2 -> '(';
          default -> (byte) ('a' + random.nextInt(26));
        };
    byte[] run = new byte[1 + random.nextInt(random.nextBoolean() ? 20_000 : 100)];
    Arrays.fill(run, unit);
    return run;
  }

  private static byte[] insert(byte[] in, int at, byte[] piece) {
    byte[] out = new byte[in.length + piece.length];
    System.arraycopy(in, 0, out, 0, at);
    System.arraycopy(piece, 0, out, at, piece.length);
    System.arraycopy(in, at, out, at + piece.length, in.length - at);
    return out;
  }

  static byte[] bytes(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }
}
