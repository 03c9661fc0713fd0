package io.cairn.registry.model;

import java.util.Objects;

/**
 * A stored value with the registry indexes at which it was created and last modified (Consul's
 * {@code CreateIndex} and {@code ModifyIndex}).
 */
public record Indexed<T>(T value, long createIndex, long modifyIndex) {
  public Indexed {
    Objects.requireNonNull(value, "value");
    if (createIndex < 1 || modifyIndex < createIndex) {
      throw new IllegalArgumentException(
          "indexes must satisfy 1 <= create <= modify, were " + createIndex + ", " + modifyIndex);
    }
  }

  /** The next version of this entry, written at {@code index}. */
  public <U> Indexed<U> modified(U newValue, long index) {
    return new Indexed<>(newValue, createIndex, index);
  }
}
