package io.cairn.registry.command;

import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.validation.Problems;
import java.util.HashSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;

/**
 * Registers or replaces an instance with its checks, and with its sidecar when it has one: one
 * command, so the instance and its sidecar get the same index and commit in the same batch. A check
 * that already exists with the same definition keeps its current status.
 *
 * @param replaceExistingChecks remove the instance's (and the sidecar's) checks that are not in
 *     {@code checks}
 * @param sidecar a connect-proxy registered along with the instance
 */
public record RegisterInstance(
    ServiceInstance instance,
    List<HealthCheck> checks,
    boolean replaceExistingChecks,
    Optional<Sidecar> sidecar)
    implements Command {
  public RegisterInstance {
    Problems p = new Problems();
    p.check(instance != null, "instance", "is required");
    checks = checksOf(p, "checks", instance, checks);
    if (sidecar == null) {
      p.add("sidecar", "must not be null (use Optional.empty())");
    } else if (sidecar.isPresent() && instance != null) {
      Sidecar s = sidecar.get();
      p.check(
          !s.proxy().id().equals(instance.id()),
          "sidecar.proxy.id",
          "must differ from the instance's id '" + instance.id() + "'");
      Set<String> ids = new HashSet<>();
      checks.forEach(c -> ids.add(c.id()));
      for (int i = 0; i < s.checks().size(); i++) {
        String id = s.checks().get(i).id();
        p.check(
            !ids.contains(id),
            "sidecar.checks[" + i + "].id",
            "'" + id + "' is used by a check of the instance");
      }
    }
    p.throwIfAny();
  }

  public RegisterInstance(
      ServiceInstance instance, List<HealthCheck> checks, boolean replaceExistingChecks) {
    this(instance, checks, replaceExistingChecks, Optional.empty());
  }

  public static RegisterInstance of(ServiceInstance instance) {
    return new RegisterInstance(instance, List.of(), false);
  }

  /** {@code checks} copied, with a problem for each not of {@code instance} or with a used id. */
  static List<HealthCheck> checksOf(
      Problems p, String field, ServiceInstance instance, List<HealthCheck> checks) {
    if (checks == null) {
      p.add(field, "must not be null (use an empty list)");
      return List.of();
    }
    checks = List.copyOf(checks);
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < checks.size(); i++) {
      HealthCheck c = checks.get(i);
      if (instance != null && !c.serviceId().equals(instance.id())) {
        p.add(field + "[" + i + "].serviceId", "must be the instance's id '" + instance.id() + "'");
      }
      if (!ids.add(c.id())) {
        p.add(field + "[" + i + "].id", "'" + c.id() + "' is used by another check");
      }
    }
    return checks;
  }
}
