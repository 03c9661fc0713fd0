package io.cairn.admin.catalog;

import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.consul.CatalogNodeViews;
import io.cairn.admin.consul.ConsulJson.AgentServiceJson;
import io.cairn.admin.consul.ConsulJson.CatalogServiceJson;
import io.cairn.admin.consul.ConsulJson.NodeJson;
import io.cairn.admin.consul.ConsulViews;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.admin.http.QueryParams;
import io.cairn.admin.http.RowFilter;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.CatalogState;
import io.cairn.registry.catalog.NodeService;
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
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/** {@code /v1/catalog}: what is registered, read from the current snapshot. */
public final class CatalogApi implements HttpService {
  /** Consul's node-services answer for a node that is not there (or not readable). */
  private static final byte[] NO_NODE =
      "{\"Node\":null,\"Services\":null}".getBytes(StandardCharsets.US_ASCII);

  private final Registry registry;
  private final ConsulViews views;
  private final CatalogNodeViews nodeViews;

  public CatalogApi(Registry registry, ConsulViews views) {
    this.registry = registry;
    this.views = views;
    this.nodeViews = new CatalogNodeViews(views);
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
    Set<String> names = new TreeSet<>(s.serviceNames());
    names.addAll(s.catalog().serviceNames());
    for (String name : names) {
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
      for (CatalogServiceJson row : catalogNodeRows(req, res, s, name)) {
        if (filter.isEmpty() || filter.get().matches(row)) {
          tags.addAll(row.serviceTags());
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
    if (readable) {
      for (CatalogServiceJson row : catalogNodeRows(req, res, s, name)) {
        if (row.serviceTags().containsAll(tags) && filter.matches(row)) {
          rows.add(row);
        }
      }
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, index));
    Json.send(res, rows);
  }

  /** Rows of service {@code name} on catalog nodes the token may read, by node then id. */
  private List<CatalogServiceJson> catalogNodeRows(
      ServerRequest req, ServerResponse res, RegistrySnapshot s, String name) {
    RequestAcl acl = RequestAcl.of(req);
    CatalogState catalog = s.catalog();
    List<CatalogServiceJson> rows = new ArrayList<>();
    for (Indexed<NodeService> service : catalog.servicesNamed(name)) {
      String on = service.value().node();
      if (!acl.canReadNode(on)) {
        RequestAcl.filtered(res);
      } else {
        rows.add(nodeViews.catalogRow(catalog.node(on).orElseThrow(), service));
      }
    }
    return rows;
  }

  /** Cairn's node, then the catalog nodes, each if the token may read it. */
  private void nodes(ServerRequest req, ServerResponse res) {
    ToLongFunction<RegistrySnapshot> index = snap -> snap.tableIndexes().catalog();
    RegistrySnapshot s = BlockingQuery.await(req, registry, index);
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, index));
    RequestAcl acl = RequestAcl.of(req);
    List<NodeJson> out = new ArrayList<>();
    if (acl.canReadNode(views.node().name())) {
      out.add(views.nodeJson(s.index()));
    } else {
      RequestAcl.filtered(res);
    }
    for (Indexed<CatalogNode> n : s.catalog().nodes().values()) {
      if (acl.canReadNode(n.value().name())) {
        out.add(nodeViews.node(n));
      } else {
        RequestAcl.filtered(res);
      }
    }
    Json.send(res, out);
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
    Optional<CatalogNodeServices> onCatalogNode = catalogNode(req, res, s, name);
    if (onCatalogNode.isPresent()) {
      Map<String, Object> byId = new LinkedHashMap<>();
      onCatalogNode.get().services().forEach(v -> byId.put(v.id(), v));
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("Node", onCatalogNode.get().node());
      out.put("Services", byId);
      Json.send(res, out);
      return;
    }
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
    Optional<CatalogNodeServices> onCatalogNode = catalogNode(req, res, s, name);
    if (onCatalogNode.isPresent()) {
      Map<String, Object> out = new LinkedHashMap<>();
      out.put("Node", onCatalogNode.get().node());
      out.put("Services", onCatalogNode.get().services());
      Json.send(res, out);
      return;
    }
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
   * is not Cairn's or the token may not read it. Cairn's node runs every instance registered with
   * the agent API.
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

  /** A catalog node and the services on it the token may read. */
  private record CatalogNodeServices(NodeJson node, List<AgentServiceJson> services) {}

  /**
   * Catalog node {@code name} with its services that the token may read and {@code ?filter} keeps;
   * empty if there is no such node or the token may not read it.
   */
  private Optional<CatalogNodeServices> catalogNode(
      ServerRequest req, ServerResponse res, RegistrySnapshot s, String name) {
    Optional<Indexed<CatalogNode>> found = s.catalog().node(name);
    if (found.isEmpty()) {
      return Optional.empty();
    }
    RequestAcl acl = RequestAcl.of(req);
    if (!acl.canReadNode(name)) {
      RequestAcl.filtered(res);
      return Optional.empty();
    }
    RowFilter filter = RowFilter.agentServices(req);
    List<AgentServiceJson> services = new ArrayList<>();
    for (Indexed<NodeService> i : s.catalog().servicesOn(name)) {
      AgentServiceJson view = nodeViews.service(i);
      if (filter != RowFilter.ALL && !filter.matches(view)) {
        continue;
      }
      if (acl.canReadService(i.value().service().name())) {
        services.add(view);
      } else {
        RequestAcl.filtered(res);
      }
    }
    return Optional.of(new CatalogNodeServices(nodeViews.node(found.get()), services));
  }

  /** A service's own index, or the catalog's while it has never existed (as Consul does). */
  public static ToLongFunction<RegistrySnapshot> serviceIndex(String name) {
    return s -> {
      long i = s.serviceIndex(name);
      return i > 0 ? i : s.tableIndexes().catalog();
    };
  }
}
