package io.cairn.registry.config;

import io.cairn.registry.validation.Problems;

/** An L7 rule: requests matching {@code http} are allowed or denied. */
public record IntentionPermission(IntentionAction action, HttpPermission http) {
  public IntentionPermission {
    Problems p = new Problems();
    p.check(action != null, "action", "is required (allow or deny)");
    p.check(http != null, "http", "is required");
    p.throwIfAny();
  }
}
