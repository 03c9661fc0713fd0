package io.cairn.registry.command;

import java.util.Objects;

/** Removes an instance with its checks and maintenance mark. */
public record DeregisterInstance(String instanceId) implements Command {
  public DeregisterInstance {
    Objects.requireNonNull(instanceId, "instanceId");
  }
}
