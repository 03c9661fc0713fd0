package io.cairn.registry.command;

import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.validation.Problems;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Registers or replaces an instance with its checks. A check that already exists with the same
 * definition keeps its current status.
 *
 * @param replaceExistingChecks remove the instance's checks that are not in {@code checks}
 */
public record RegisterInstance(
    ServiceInstance instance, List<HealthCheck> checks, boolean replaceExistingChecks)
    implements Command {
  public RegisterInstance {
    Problems p = new Problems();
    p.check(instance != null, "instance", "is required");
    if (checks == null) {
      p.add("checks", "must not be null (use an empty list)");
      checks = List.of();
    }
    checks = List.copyOf(checks);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < checks.size(); i++) {
      HealthCheck c = checks.get(i);
      if (instance != null && !c.serviceId().equals(instance.id())) {
        p.add("checks[" + i + "].serviceId", "must be the instance's id '" + instance.id() + "'");
      }
      if (!ids.add(c.id())) {
        p.add("checks[" + i + "].id", "'" + c.id() + "' is used by another check");
      }
    }
    p.throwIfAny();
  }

  public static RegisterInstance of(ServiceInstance instance) {
    return new RegisterInstance(instance, List.of(), false);
  }
}
