package io.cairn.registry.chain;

/** A chain cannot be compiled: a redirect or splitter loop, or a subset no resolver defines. */
public final class ChainException extends RuntimeException {
  public ChainException(String message) {
    super(message);
  }
}
