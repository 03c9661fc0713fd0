package io.cairn.registry.acl;

import java.util.Objects;
import java.util.Optional;

/**
 * A {@code service} or {@code service_prefix} rule: access to the service's instances and config,
 * and, separately, to the intentions whose destination it is. Intentions left unset follow the
 * policy as Consul does: read or write on a service reads its intentions; deny denies them.
 */
public record ServiceRule(Access policy, Optional<Access> intentions) {
  public ServiceRule {
    Objects.requireNonNull(policy, "policy");
    Objects.requireNonNull(intentions, "intentions");
  }

  public Access intentionsAccess() {
    return intentions.orElse(policy == Access.DENY ? Access.DENY : Access.READ);
  }

  static ServiceRule merge(ServiceRule a, ServiceRule b) {
    Optional<Access> intentions =
        a.intentions.isEmpty()
            ? b.intentions
            : b.intentions.isEmpty()
                ? a.intentions
                : Optional.of(Access.merge(a.intentions.get(), b.intentions.get()));
    return new ServiceRule(Access.merge(a.policy, b.policy), intentions);
  }
}
