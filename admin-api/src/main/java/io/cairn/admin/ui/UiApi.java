package io.cairn.admin.ui;

import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.consul.NodeIdentity;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.catalog.NodeServiceHealth;
import io.cairn.registry.config.IntentionAction;
import io.cairn.registry.model.InstanceHealth;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * {@code /v1/internal/ui}: what the web UI reads besides Consul's API. {@code /services} sums up
 * every service in one call (those on catalog nodes too) and blocks on the registry's overall
 * index, so one long poll tells the UI that anything changed (instances, checks, config entries,
 * intentions); {@code /settings} tells it what the server was started with.
 */
public final class UiApi implements HttpService {
  private static final ToLongFunction<RegistrySnapshot> ANY_CHANGE = RegistrySnapshot::index;

  private final Registry registry;
  private final Map<String, Object> settings;

  public UiApi(
      Registry registry,
      NodeIdentity node,
      String version,
      IntentionAction intentionsDefault,
      boolean aclEnabled) {
    this.registry = registry;
    Map<String, Object> s = new LinkedHashMap<>();
    s.put("Node", node.name());
    s.put("Datacenter", node.datacenter());
    s.put("Version", version);
    s.put("DefaultIntentionPolicy", intentionsDefault.wireName());
    s.put("ACLsEnabled", aclEnabled);
    this.settings = Collections.unmodifiableMap(s);
  }

  @Override
  public void routing(HttpRules rules) {
    rules.get("/services", this::services).get("/settings", (req, res) -> Json.send(res, settings));
  }

  /**
   * The agent's services and those on catalog nodes, by name. As in {@code /v1/health/service}, an
   * instance on a catalog node needs {@code node:read} on its node besides {@code service:read}; a
   * service left with no instance the token may read is not listed.
   */
  private void services(ServerRequest req, ServerResponse res) {
    RegistrySnapshot s = BlockingQuery.await(req, registry, ANY_CHANGE);
    List<ServiceSummary> out = new ArrayList<>();
    RequestAcl acl = RequestAcl.of(req);
    Set<String> names = new TreeSet<>(s.serviceNames());
    names.addAll(s.catalog().serviceNames());
    for (String name : names) {
      if (!acl.canReadService(name)) {
        RequestAcl.filtered(res);
        continue;
      }
      List<InstanceHealth> instances = s.health(name);
      List<NodeServiceHealth> onCatalogNodes = new ArrayList<>();
      for (NodeServiceHealth h : s.catalog().health(name)) {
        if (acl.canReadNode(h.node().value().name())) {
          onCatalogNodes.add(h);
        } else {
          RequestAcl.filtered(res);
        }
      }
      if (!instances.isEmpty() || !onCatalogNodes.isEmpty()) {
        out.add(ServiceSummary.of(name, instances, onCatalogNodes));
      }
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, ANY_CHANGE));
    Json.send(res, out);
  }
}
