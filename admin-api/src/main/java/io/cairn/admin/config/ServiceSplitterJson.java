package io.cairn.admin.config;

import io.cairn.admin.json.ConsulPaths;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/** {@code service-splitter}: weighted splits across subsets or services. */
final class ServiceSplitterJson {
  private ServiceSplitterJson() {}

  static Optional<ServiceSplitter> decode(JsonFields f, String name) {
    List<Split> splits = new ArrayList<>();
    for (JsonFields s : f.objects("Splits")) {
      double weight = s.number("Weight").orElse(0.0);
      String service = s.string("Service", "");
      String subset = s.string("ServiceSubset", "");
      s.defaultTenancy();
      s.rejectUnknown(Set.of());
      ConsulPaths.collect(
              s.problems(), s.path(), () -> new Split(weight, new ServiceTarget(service, subset)))
          .ifPresent(splits::add);
    }
    Map<String, String> meta = f.stringMap("Meta");
    return ConsulPaths.collect(f.problems(), "", () -> new ServiceSplitter(name, splits, meta));
  }

  static Map<String, Object> encode(ServiceSplitter e) {
    List<Map<String, Object>> splits = new ArrayList<>();
    for (Split s : e.splits()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("Weight", s.weight());
      m.putAll(ServiceResolverJson.target(s.target()));
      splits.add(m);
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Splits", splits);
    return out;
  }
}
