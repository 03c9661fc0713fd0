package io.cairn.registry.chain;

import java.util.Set;

/** A chain cannot be compiled: a redirect or splitter loop, or too many paths through splitters. */
public final class ChainException extends RuntimeException {
  private final Set<String> reads;

  ChainException(String message, Set<String> reads) {
    super(message);
    this.reads = Set.copyOf(reads);
  }

  /** The services whose entries were read before the compiler gave up: changing one may fix it. */
  public Set<String> reads() {
    return reads;
  }
}
