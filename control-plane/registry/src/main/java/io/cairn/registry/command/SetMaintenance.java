package io.cairn.registry.command;

import java.util.Objects;
import java.util.Optional;

/**
 * Puts an instance into maintenance (with a reason) or takes it out ({@code reason} empty).
 *
 * @param reason present to enable maintenance, empty to disable it
 */
public record SetMaintenance(String instanceId, Optional<String> reason) implements Command {
  public SetMaintenance {
    Objects.requireNonNull(instanceId, "instanceId");
    Objects.requireNonNull(reason, "reason");
  }

  public static SetMaintenance enable(String instanceId, String reason) {
    return new SetMaintenance(instanceId, Optional.of(reason));
  }

  public static SetMaintenance disable(String instanceId) {
    return new SetMaintenance(instanceId, Optional.empty());
  }
}
