package io.cairn.registry.model;

import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;

/** An operator took an instance out of traffic; it stays so across restarts until cleared. */
public record Maintenance(String instanceId, String reason) {
  private static final int MAX_REASON = 1024;

  public Maintenance {
    Problems p = new Problems();
    Names.id(p, "instanceId", instanceId);
    Names.text(p, "reason", reason, MAX_REASON);
    p.throwIfAny();
  }
}
