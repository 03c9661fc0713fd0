package io.cairn.registry.model;

import io.cairn.registry.validation.Problems;

/** Where an instance runs; maps to Envoy's locality. {@code zone} may be empty. */
public record Locality(String region, String zone) {
  private static final int MAX_LENGTH = 128;

  public Locality {
    Problems p = new Problems();
    check(p, "region", region, false);
    check(p, "zone", zone, true);
    p.throwIfAny();
  }

  private static void check(Problems p, String field, String value, boolean mayBeEmpty) {
    if (value == null || (!mayBeEmpty && value.isEmpty())) {
      p.add(field, "is required");
    } else if (value.length() > MAX_LENGTH) {
      p.add(field, "is longer than " + MAX_LENGTH + " characters");
    } else if (value.codePoints().anyMatch(c -> c <= 0x20 || c == 0x7f)) {
      p.add(field, "must not contain whitespace or control characters");
    }
  }
}
