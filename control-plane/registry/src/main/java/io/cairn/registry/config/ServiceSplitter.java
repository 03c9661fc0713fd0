package io.cairn.registry.config;

import io.cairn.registry.validation.Metadata;
import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Splits a service's traffic by weight across subsets or services (canaries, migrations). */
public record ServiceSplitter(String name, List<Split> splits, Map<String, String> meta)
    implements ConfigEntry {
  public ServiceSplitter {
    Problems p = new Problems();
    Names.serviceName(p, "name", name);
    if (splits == null || splits.isEmpty()) {
      p.add("splits", "needs at least one split");
      splits = List.of();
    }
    splits = List.copyOf(splits);
    int total = 0;
    Set<ServiceTarget> seen = new HashSet<>();
    for (int i = 0; i < splits.size(); i++) {
      Split s = splits.get(i);
      total += s.basisPoints();
      ServiceTarget resolved =
          new ServiceTarget(s.target().serviceOr(name), s.target().serviceSubset());
      if (!seen.add(resolved)) {
        p.add("splits[" + i + "]", "sends to " + describe(resolved) + " more than once");
      }
    }
    if (!splits.isEmpty() && total != 10000) {
      p.add("splits", "weights must add up to 100, they add up to " + total / 100.0);
    }
    meta = Metadata.check(p, "meta", meta);
    p.throwIfAny();
  }

  private static String describe(ServiceTarget t) {
    return t.service() + (t.hasSubset() ? " (subset " + t.serviceSubset() + ")" : "");
  }

  @Override
  public ConfigEntryKind kind() {
    return ConfigEntryKind.SERVICE_SPLITTER;
  }
}
