package io.cairn.admin.health;

import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.catalog.CatalogApi;
import io.cairn.admin.consul.CatalogNodeViews;
import io.cairn.admin.consul.ConsulJson.CheckJson;
import io.cairn.admin.consul.ConsulJson.HealthEntryJson;
import io.cairn.admin.consul.ConsulViews;
import io.cairn.admin.http.ApiException;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.admin.http.QueryParams;
import io.cairn.admin.http.RowFilter;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeServiceHealth;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.InstanceHealth;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.ToLongFunction;

/** {@code /v1/health}: instances with their checks, from the current snapshot. */
public final class HealthApi implements HttpService {
  private final Registry registry;
  private final ConsulViews views;
  private static final byte[] EMPTY_LIST = Json.bytes(List.of());
  private final HealthResponseCache cache = new HealthResponseCache();

  private final CatalogNodeViews nodeViews;

  public HealthApi(Registry registry, ConsulViews views) {
    this.registry = registry;
    this.views = views;
    this.nodeViews = new CatalogNodeViews(views);
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/service/{name}", this::service)
        .get("/connect/{name}", this::connect)
        .get("/checks/{name}", this::checks)
        .get("/state/{state}", this::state)
        .get("/node/{node}", this::node);
  }

  /**
   * Consul's {@code ?passing}: only instances whose every check passes (warning is out too), and
   * never one in maintenance.
   */
  private void service(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("name");
    ToLongFunction<RegistrySnapshot> index = CatalogApi.serviceIndex(name);
    RegistrySnapshot s = BlockingQuery.await(req, registry, index);
    boolean passing = QueryParams.flag(req, "passing");
    List<String> tags = QueryParams.all(req, "tag");
    long responseIndex = BlockingQuery.indexFor(s, index);
    Optional<RowFilter> filter = RowFilter.healthEntries(req);
    byte[] body;
    if (!RequestAcl.of(req).readsService(s, name, res)) {
      body = EMPTY_LIST;
    } else if (!s.catalog().servicesNamed(name).isEmpty()) {
      // Rows of catalog nodes depend on the token's node rights: not cached.
      List<HealthEntryJson> rows = entries(s, name, passing, tags, filter.orElse(RowFilter.ALL));
      rows.addAll(
          catalogNodeEntries(req, res, s, name, passing, tags, filter.orElse(RowFilter.ALL)));
      body = Json.bytes(rows);
    } else if (filter.isEmpty() && !Json.pretty(req)) {
      body =
          cache.get(
              new HealthResponseCache.Key(name, passing, tags),
              s.serviceIndex(name),
              () -> Json.bytes(entries(s, name, passing, tags, RowFilter.ALL)));
    } else {
      body = Json.bytes(entries(s, name, passing, tags, filter.orElse(RowFilter.ALL)));
    }
    BlockingQuery.headers(res, responseIndex);
    Json.sendBytes(res, body);
  }

  /**
   * Consul's {@code /v1/health/connect/<service>}: the service's Connect-capable endpoints, its
   * Connect-native instances and its connect-proxy sidecars, as health rows with the same {@code
   * ?passing}, {@code ?tag} and {@code ?filter}. No index of proxies by destination exists, so this
   * walks every service; it waits on the health table's index, which any health change moves.
   */
  private void connect(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("name");
    ToLongFunction<RegistrySnapshot> index = snap -> snap.tableIndexes().health();
    RegistrySnapshot s = BlockingQuery.await(req, registry, index);
    boolean passing = QueryParams.flag(req, "passing");
    List<String> tags = QueryParams.all(req, "tag");
    RowFilter filter = RowFilter.healthEntries(req).orElse(RowFilter.ALL);
    RequestAcl acl = RequestAcl.of(req);
    List<HealthEntryJson> out = new ArrayList<>();
    if (acl.readsService(s, name, res)) {
      // Connect-native instances serve mTLS themselves, then the sidecars in front of the others.
      out.addAll(entries(s, name, passing, tags, filter, h -> h.value().connectNative()));
      for (String service : s.serviceNames()) {
        boolean proxies =
            s.instancesOf(service).stream()
                .anyMatch(
                    i ->
                        i.value().kind() instanceof ConnectProxy p
                            && p.destinationServiceName().equals(name));
        if (proxies && acl.readsService(s, service, res)) {
          for (HealthEntryJson entry :
              entries(s, service, passing, tags, filter, h -> isProxyOf(h, name))) {
            out.add(entry);
          }
        }
      }
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, index));
    Json.send(res, out);
  }

  /** Rows of service {@code name} on catalog nodes the token may read, by node then id. */
  private List<HealthEntryJson> catalogNodeEntries(
      ServerRequest req,
      ServerResponse res,
      RegistrySnapshot s,
      String name,
      boolean passing,
      List<String> tags,
      RowFilter filter) {
    RequestAcl acl = RequestAcl.of(req);
    List<HealthEntryJson> out = new ArrayList<>();
    for (NodeServiceHealth h : s.catalog().health(name)) {
      if (!acl.canReadNode(h.node().value().name())) {
        RequestAcl.filtered(res);
        continue;
      }
      if (passing && h.status() != HealthStatus.PASSING) {
        continue;
      }
      if (!h.service().value().service().tags().containsAll(tags)) {
        continue;
      }
      HealthEntryJson entry = nodeViews.healthEntry(h);
      if (filter.matches(entry)) {
        out.add(entry);
      }
    }
    return out;
  }

  private static boolean isProxyOf(InstanceHealth h, String destination) {
    return h.value().kind() instanceof ConnectProxy p
        && p.destinationServiceName().equals(destination);
  }

  private List<HealthEntryJson> entries(
      RegistrySnapshot s, String name, boolean passing, List<String> tags, RowFilter filter) {
    return entries(s, name, passing, tags, filter, h -> true);
  }

  private List<HealthEntryJson> entries(
      RegistrySnapshot s,
      String name,
      boolean passing,
      List<String> tags,
      RowFilter filter,
      java.util.function.Predicate<InstanceHealth> rows) {
    List<HealthEntryJson> out = new ArrayList<>();
    for (InstanceHealth h : s.health(name)) {
      if (!rows.test(h)) {
        continue;
      }
      if (passing && h.status() != HealthStatus.PASSING) {
        continue;
      }
      if (!h.value().tags().containsAll(tags)) {
        continue;
      }
      HealthEntryJson entry = views.healthEntry(h);
      if (filter.matches(entry)) {
        out.add(entry);
      }
    }
    return out;
  }

  private void checks(ServerRequest req, ServerResponse res) {
    String name = req.path().pathParameters().get("name");
    ToLongFunction<RegistrySnapshot> index = CatalogApi.serviceIndex(name);
    RegistrySnapshot s = BlockingQuery.await(req, registry, index);
    RowFilter filter = RowFilter.checks(req);
    List<CheckJson> out = new ArrayList<>();
    boolean readable = RequestAcl.of(req).readsService(s, name, res);
    for (InstanceHealth h : readable ? s.health(name) : List.<InstanceHealth>of()) {
      for (CheckJson c : views.serviceChecks(h)) {
        if (filter.matches(c)) {
          out.add(c);
        }
      }
    }
    RequestAcl acl = RequestAcl.of(req);
    for (NodeServiceHealth h : readable ? s.catalog().health(name) : List.<NodeServiceHealth>of()) {
      if (!acl.canReadNode(h.node().value().name())) {
        RequestAcl.filtered(res);
        continue;
      }
      for (Indexed<NodeCheck> c : h.checks()) {
        CheckJson json = nodeViews.check(s.catalog(), c);
        if (!c.value().isNodeCheck() && filter.matches(json)) {
          out.add(json);
        }
      }
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, index));
    Json.send(res, out);
  }

  /** Checks in one state ({@code passing}, {@code warning}, {@code critical}) or {@code any}. */
  private void state(ServerRequest req, ServerResponse res) {
    String state = req.path().pathParameters().get("state");
    Optional<HealthStatus> wanted =
        HealthStatus.parse(state).filter(st -> st != HealthStatus.MAINTENANCE);
    if (wanted.isEmpty() && !state.equals("any")) {
      throw ApiException.badRequest(
          "state must be any, passing, warning or critical, was '" + state + "'");
    }
    ToLongFunction<RegistrySnapshot> index = snap -> snap.tableIndexes().health();
    RegistrySnapshot s = BlockingQuery.await(req, registry, index);
    RowFilter filter = RowFilter.checks(req);
    RequestAcl acl = RequestAcl.of(req);
    List<CheckJson> out = new ArrayList<>();
    if (wanted.isEmpty() || wanted.get() == HealthStatus.PASSING) {
      CheckJson node = views.nodeCheck();
      if (!acl.canReadNode(views.node().name())) {
        RequestAcl.filtered(res);
      } else if (filter.matches(node)) {
        out.add(node);
      }
    }
    for (CheckJson c : views.serviceChecks(s)) {
      if (wanted.isPresent() && !c.status().equals(wanted.get().wireName())) {
        continue;
      }
      if (!acl.canReadService(c.serviceName())) {
        RequestAcl.filtered(res);
      } else if (filter.matches(c)) {
        out.add(c);
      }
    }
    for (Indexed<NodeCheck> c : s.catalog().checks().values()) {
      if (wanted.isPresent() && c.value().status() != wanted.get()) {
        continue;
      }
      CheckJson json = nodeViews.check(s.catalog(), c);
      if (!acl.canReadNode(c.value().node())
          || (!c.value().isNodeCheck() && !acl.canReadService(json.serviceName()))) {
        RequestAcl.filtered(res);
      } else if (filter.matches(json)) {
        out.add(json);
      }
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, index));
    Json.send(res, out);
  }

  private void node(ServerRequest req, ServerResponse res) {
    String node = req.path().pathParameters().get("node");
    RegistrySnapshot s = registry.snapshot();
    BlockingQuery.headers(res, Math.max(1, s.index()));
    if (!RequestAcl.of(req).canReadNode(node)) {
      RequestAcl.filtered(res);
      Json.send(res, List.of());
      return;
    }
    if (node.equals(views.node().name())) {
      Json.send(res, List.of(views.nodeCheck()));
      return;
    }
    RequestAcl acl = RequestAcl.of(req);
    List<CheckJson> out = new ArrayList<>();
    for (Indexed<NodeCheck> c : s.catalog().checksOn(node)) {
      CheckJson json = nodeViews.check(s.catalog(), c);
      if (!c.value().isNodeCheck() && !acl.canReadService(json.serviceName())) {
        RequestAcl.filtered(res);
      } else {
        out.add(json);
      }
    }
    Json.send(res, out);
  }
}
