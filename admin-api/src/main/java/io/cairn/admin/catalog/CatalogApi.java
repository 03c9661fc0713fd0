package io.cairn.admin.catalog;

import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.consul.ConsulJson.CatalogServiceJson;
import io.cairn.admin.consul.ConsulViews;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.admin.http.QueryParams;
import io.cairn.admin.http.RowFilter;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.ServiceInstance;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.ToLongFunction;

/** {@code /v1/catalog}: what is registered, read from the current snapshot. */
public final class CatalogApi implements HttpService {
  /** Consul's node-services answer for a node that is not there (or not readable). */
  private static final byte[] NO_NODE =
      "{\"Node\":null,\"Services\":null}".getBytes(StandardCharsets.US_ASCII);

  private final Registry registry;
  private final ConsulViews views;

  public CatalogApi(Registry registry, ConsulViews views) {
    this.registry = registry;
    this.views = views;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/services", this::services)
        .get("/service/{name}", this::service)
        .get("/datacenters", (req, res) -> Json.send(res, List.of(views.node().datacenter())))
        .get("/nodes", this::nodes)
        .get("/node/{node}", this::node)
        .get("/node-services/{node}", this::nodeServices);
  }

  /** Service name to the union of its instances' tags, as Consul lists them. */
  private void services(ServerRequest req, ServerResponse res) {
    ToLongFunction<RegistrySnapshot> index = s -> s.tableIndexes().catalog();
    RegistrySnapshot s = BlockingQuery.await(req, registry, index);
    Optional<RowFilter> filter = RowFilter.catalogRows(req);
    Map<String, List<String>> out = new LinkedHashMap<>();
    RequestAcl acl = RequestAcl.of(req);
    for (String name : s.serviceNames()) {
      if (!acl.canReadService(name)) {
        RequestAcl.filtered(res);
        continue;
      }
      Set<String> tags = new LinkedHashSet<>();
      boolean any = false;
      for (Indexed<ServiceInstance> i : s.instancesOf(name)) {
        // Rows are built only to be filtered; without a filter the tags are enough.
        if (filter.isEmpty() || filter.get().matches(views.catalogRow(i))) {
          tags.addAll(i.value().tags());
          any = true;
        }
      }
      if (any) {
        out.put(name, new ArrayList<>(tags));
      }
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, index));
    Json.send(res, out);
  }

  private void service(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("name");
    ToLongFunction<RegistrySnapshot> index = serviceIndex(name);
    RegistrySnapshot s = BlockingQuery.await(req, registry, index);
    List<String> tags = QueryParams.all(req, "tag");
    RowFilter filter = RowFilter.catalogServices(req);
    List<CatalogServiceJson> rows = new ArrayList<>();
    boolean readable = RequestAcl.of(req).readsService(s, name, res);
    for (Indexed<ServiceInstance> i :
        readable ? s.instancesOf(name) : List.<Indexed<ServiceInstance>>of()) {
      if (i.value().tags().containsAll(tags)) {
        CatalogServiceJson row = views.catalogRow(i);
        if (filter.matches(row)) {
          rows.add(row);
        }
      }
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, index));
    Json.send(res, rows);
  }

  private void nodes(ServerRequest req, ServerResponse res) {
    RegistrySnapshot s = registry.snapshot();
    BlockingQuery.headers(res, Math.max(1, s.index()));
    if (!RequestAcl.of(req).canReadNode(views.node().name())) {
      RequestAcl.filtered(res);
      Json.send(res, List.of());
      return;
    }
    Json.send(res, List.of(views.nodeJson(s.index())));
  }

  /**
   * {@code /v1/catalog/node/<node>}: the node and its services by id; {@code null} for a node that
   * does not exist (or that the token may not read), as Consul answers.
   */
  private void node(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("node");
    ToLongFunction<RegistrySnapshot> index = s -> s.tableIndexes().catalog();
    RegistrySnapshot s = BlockingQuery.await(req, registry, index);
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, index));
    Optional<List<Indexed<ServiceInstance>>> services = servicesOf(req, res, s, name);
    if (services.isEmpty()) {
      Json.sendBytes(res, "null".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      return;
    }
    Map<String, Object> byId = new LinkedHashMap<>();
    services.get().forEach(i -> byId.put(i.value().id(), views.agentService(i)));
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Node", views.nodeJson(s.index()));
    out.put("Services", byId);
    Json.send(res, out);
  }

  /**
   * {@code /v1/catalog/node-services/<node>}: the node and its services as a list. A node that does
   * not exist, or that the token may not read, is {@code {"Node":null,"Services":null}} with a 200,
   * as Consul answers (the latter marked filtered).
   */
  private void nodeServices(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("node");
    ToLongFunction<RegistrySnapshot> index = s -> s.tableIndexes().catalog();
    RegistrySnapshot s = BlockingQuery.await(req, registry, index);
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, index));
    Optional<List<Indexed<ServiceInstance>>> services = servicesOf(req, res, s, name);
    if (services.isEmpty()) {
      Json.sendBytes(res, NO_NODE);
      return;
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Node", views.nodeJson(s.index()));
    out.put("Services", services.get().stream().map(views::agentService).toList());
    Json.send(res, out);
  }

  /**
   * The instances on node {@code name} that the token may read, ordered by id; empty when the node
   * is not Cairn's (the only one) or the token may not read it. Cairn's node runs every instance.
   */
  private Optional<List<Indexed<ServiceInstance>>> servicesOf(
      ServerRequest req, ServerResponse res, RegistrySnapshot s, String name) {
    RequestAcl acl = RequestAcl.of(req);
    if (!name.equals(views.node().name())) {
      return Optional.empty();
    }
    if (!acl.canReadNode(name)) {
      RequestAcl.filtered(res);
      return Optional.empty();
    }
    // Consul filters a node's services on their NodeService fields (Service, ID, Tags, ...).
    RowFilter filter = RowFilter.agentServices(req);
    List<Indexed<ServiceInstance>> out = new ArrayList<>();
    // As Consul, the filter before the ACLs: what the filter leaves out is not "filtered by ACLs".
    for (Indexed<ServiceInstance> i : s.instances()) {
      if (filter != RowFilter.ALL && !filter.matches(views.agentService(i))) {
        continue;
      }
      if (acl.canReadService(i.value().name())) {
        out.add(i);
      } else {
        RequestAcl.filtered(res);
      }
    }
    return Optional.of(out);
  }

  /** A service's own index, or the catalog's while it has never existed (as Consul does). */
  public static ToLongFunction<RegistrySnapshot> serviceIndex(String name) {
    return s -> {
      long i = s.serviceIndex(name);
      return i > 0 ? i : s.tableIndexes().catalog();
    };
  }
}
