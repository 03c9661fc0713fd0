package io.cairn.registry.model;

import io.cairn.registry.validation.Problems;
import java.time.Duration;

/** Healthy while the application reports in (pass/warn/fail) at least every {@code ttl}. */
public record TtlCheck(Duration ttl) implements CheckDefinition {
  public TtlCheck {
    Problems p = new Problems();
    if (ttl == null) {
      p.add("ttl", "is required");
    } else if (ttl.isNegative() || ttl.isZero()) {
      p.add("ttl", "must be positive, was " + ttl);
    }
    p.throwIfAny();
  }
}
