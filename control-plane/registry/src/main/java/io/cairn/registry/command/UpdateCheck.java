package io.cairn.registry.command;

import io.cairn.registry.model.HealthStatus;
import java.util.Objects;

/**
 * Records a check's new status and output (a TTL heartbeat or a probe result). Nothing is written
 * when both are unchanged.
 */
public record UpdateCheck(String checkId, HealthStatus status, String output) implements Command {
  public UpdateCheck {
    Objects.requireNonNull(checkId, "checkId");
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(output, "output");
  }
}
