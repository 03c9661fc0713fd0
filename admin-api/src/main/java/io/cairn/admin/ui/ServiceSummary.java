package io.cairn.admin.ui;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeServiceHealth;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.InstanceHealth;
import java.util.EnumMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * One row of the UI's service list: Consul's {@code /v1/internal/ui/services} fields, plus how many
 * instances are in each state (what the UI colours), since checks alone do not say that, and how
 * many of them are on catalog nodes (registered through the catalog, probed by no one).
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ServiceSummary(
    String name,
    String kind,
    List<String> tags,
    int instanceCount,
    int catalogInstanceCount,
    int instancesPassing,
    int instancesWarning,
    int instancesCritical,
    int instancesMaintenance,
    int checksPassing,
    int checksWarning,
    int checksCritical,
    long modifyIndex) {

  public ServiceSummary {
    tags = List.copyOf(tags);
  }

  /**
   * Sums up the instances of one service, the agent's and those on catalog nodes; {@code kind} is
   * connect-proxy when all are sidecars (catalog nodes have none). A catalog node's node checks
   * count for each of its services, as {@code /v1/health/service} lists them.
   */
  static ServiceSummary of(
      String name, List<InstanceHealth> instances, List<NodeServiceHealth> onCatalogNodes) {
    Map<HealthStatus, Integer> byStatus = new EnumMap<>(HealthStatus.class);
    int[] checks = new int[HealthStatus.values().length];
    Set<String> tags = new LinkedHashSet<>();
    boolean allProxies = !instances.isEmpty() && onCatalogNodes.isEmpty();
    long modifyIndex = 0;
    for (InstanceHealth h : instances) {
      byStatus.merge(h.status(), 1, Integer::sum);
      tags.addAll(h.value().tags());
      allProxies &= h.value().proxy().isPresent();
      modifyIndex = Math.max(modifyIndex, h.instance().modifyIndex());
      // The health API shows maintenance as a critical check; the counts agree with it.
      h.maintenance().ifPresent(m -> checks[HealthStatus.CRITICAL.ordinal()]++);
      for (Indexed<HealthCheck> c : h.checks()) {
        checks[c.value().status().ordinal()]++;
        modifyIndex = Math.max(modifyIndex, c.modifyIndex());
      }
    }
    for (NodeServiceHealth h : onCatalogNodes) {
      byStatus.merge(h.status(), 1, Integer::sum);
      tags.addAll(h.service().value().service().tags());
      modifyIndex = Math.max(modifyIndex, h.node().modifyIndex());
      modifyIndex = Math.max(modifyIndex, h.service().modifyIndex());
      for (Indexed<NodeCheck> c : h.checks()) {
        checks[c.value().status().ordinal()]++;
        modifyIndex = Math.max(modifyIndex, c.modifyIndex());
      }
    }
    return new ServiceSummary(
        name,
        allProxies ? "connect-proxy" : "",
        List.copyOf(tags),
        instances.size() + onCatalogNodes.size(),
        onCatalogNodes.size(),
        byStatus.getOrDefault(HealthStatus.PASSING, 0),
        byStatus.getOrDefault(HealthStatus.WARNING, 0),
        byStatus.getOrDefault(HealthStatus.CRITICAL, 0),
        byStatus.getOrDefault(HealthStatus.MAINTENANCE, 0),
        checks[HealthStatus.PASSING.ordinal()],
        checks[HealthStatus.WARNING.ordinal()],
        checks[HealthStatus.CRITICAL.ordinal()],
        modifyIndex);
  }
}
