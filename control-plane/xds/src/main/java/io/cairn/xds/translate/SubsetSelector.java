package io.cairn.xds.translate;

import io.cairn.registry.config.ResolverSubset;
import io.cairn.registry.filter.Filter;
import io.cairn.registry.filter.FilterValue;
import io.cairn.registry.filter.Selectable;
import io.cairn.registry.model.InstanceHealth;
import io.cairn.registry.model.ServiceInstance;
import java.util.Collection;
import java.util.List;
import java.util.Map;

/**
 * The instances of a resolver subset: its filter (Consul's syntax, over {@code Service.ID}, {@code
 * Service.Service}, {@code Service.Tags}, {@code Service.Meta}, {@code Service.Address} and {@code
 * Service.Port}) applied to each instance.
 */
public final class SubsetSelector {
  private SubsetSelector() {}

  public static List<InstanceHealth> select(
      ResolverSubset subset, Collection<InstanceHealth> instances) {
    if (subset.filter().isEmpty()) {
      return List.copyOf(instances);
    }
    Filter filter = Filter.parse(subset.filter());
    return instances.stream().filter(h -> filter.matches(row(h.value()))).toList();
  }

  private static Selectable row(ServiceInstance instance) {
    return Selectable.of(
        FilterValue.map(
            Map.of(
                "Service",
                FilterValue.map(
                    Map.of(
                        "ID", FilterValue.text(instance.id()),
                        "Service", FilterValue.text(instance.name()),
                        "Tags", FilterValue.texts(instance.tags()),
                        "Meta", FilterValue.textMap(instance.meta()),
                        "Address", FilterValue.text(instance.address()),
                        "Port", FilterValue.number(instance.port()))))));
  }
}
