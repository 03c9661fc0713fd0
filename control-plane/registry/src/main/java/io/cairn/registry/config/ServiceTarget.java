package io.cairn.registry.config;

import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;

/**
 * A service, optionally narrowed to one of its resolver's subsets; the destination of a redirect,
 * failover, split or route.
 *
 * @param service the service; empty means the entry's own service
 * @param serviceSubset a subset defined by that service's resolver; empty means all instances
 */
public record ServiceTarget(String service, String serviceSubset) {
  public ServiceTarget {
    Problems p = new Problems();
    Names.optionalServiceName(p, "service", service);
    if (serviceSubset == null) {
      p.add("serviceSubset", "must not be null (use an empty string)");
    } else if (!serviceSubset.isEmpty() && !Names.isDnsLabel(serviceSubset)) {
      p.add("serviceSubset", "'" + serviceSubset + "' is not a DNS label");
    }
    p.throwIfAny();
  }

  /** The service this target names, seen from an entry for {@code owner}. */
  public String serviceOr(String owner) {
    return service.isEmpty() ? owner : service;
  }

  public boolean hasSubset() {
    return !serviceSubset.isEmpty();
  }
}
