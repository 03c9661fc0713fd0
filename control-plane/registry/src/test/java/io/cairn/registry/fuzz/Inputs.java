package io.cairn.registry.fuzz;

/** A source of fuzz inputs, deterministic for its seed. */
@FunctionalInterface
public interface Inputs {
  byte[] next();
}
