package io.cairn.admin.agent;

import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.consul.ConsulJson.AgentServiceJson;
import io.cairn.admin.consul.ConsulJson.CheckJson;
import io.cairn.admin.consul.ConsulViews;
import io.cairn.admin.http.ApiException;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.admin.http.QueryParams;
import io.cairn.admin.http.RowFilter;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.acl.Access;
import io.cairn.registry.command.DeregisterCheck;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.RegisterCheck;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.SetMaintenance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.TtlCheck;
import io.cairn.registry.validation.Problems;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.net.InetSocketAddress;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * {@code /v1/agent}: Consul's agent endpoints. Cairn is agentless, so "the agent's services" are
 * every registered instance; writes are durable before the response.
 */
public final class AgentApi implements HttpService {
  /** Consul's {@code segment} value for every segment, which the one default segment satisfies. */
  private static final String ALL_SEGMENTS = "_all";

  private final Registry registry;
  private final ConsulViews views;
  private final AgentSelf self;
  private final TtlReports ttlReports;

  public AgentApi(Registry registry, ConsulViews views, AgentSelf self, TtlReports ttlReports) {
    this.registry = registry;
    this.views = views;
    this.self = self;
    this.ttlReports = ttlReports;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .put("/service/register", this::register)
        .post("/service/register", this::register)
        .put("/service/deregister/{id}", this::deregister)
        .put("/service/maintenance/{id}", this::maintenance)
        .get("/services", this::services)
        .get("/service/{id}", this::service)
        .get("/checks", this::checks)
        .put("/check/register", this::registerCheck)
        .put("/check/deregister/{id}", this::deregisterCheck)
        .put("/check/pass/{id}", (req, res) -> ttl(req, res, HealthStatus.PASSING))
        .put("/check/warn/{id}", (req, res) -> ttl(req, res, HealthStatus.WARNING))
        .put("/check/fail/{id}", (req, res) -> ttl(req, res, HealthStatus.CRITICAL))
        .put("/check/update/{id}", this::updateCheck)
        .get("/self", this::self)
        .get("/members", this::members);
  }

  static String peerAddress(ServerRequest req) {
    if (req.remotePeer().address() instanceof InetSocketAddress a && a.getAddress() != null) {
      return a.getAddress().getHostAddress();
    }
    return "127.0.0.1";
  }

  private void register(ServerRequest req, ServerResponse res) {
    JsonFields body = JsonFields.of("", Json.body(req), new Problems());
    boolean replace = QueryParams.flag(req, "replace-existing-checks");
    RegisterInstance command =
        RegistrationDecoder.decode(body, peerAddress(req), self.node().datacenter(), replace);
    RequestAcl acl = RequestAcl.of(req);
    requireRegisterWrite(acl, command.instance());
    command.sidecar().ifPresent(sidecar -> requireRegisterWrite(acl, sidecar.proxy()));
    // One command: the service and its sidecar commit together or not at all.
    registry.apply(command);
    res.send();
  }

  /** As Consul: write on the service, and on its destination for a sidecar proxy. */
  private static void requireRegisterWrite(RequestAcl acl, ServiceInstance instance) {
    acl.requireService(instance.name(), Access.WRITE);
    if (instance.kind() instanceof ConnectProxy proxy) {
      acl.requireService(proxy.destinationServiceName(), Access.WRITE);
    }
  }

  /**
   * Cairn's one node as Consul's member list: the LAN member, or with {@code ?wan} the WAN one
   * ({@code <node>.<dc>}). As Consul, any non-empty {@code wan} asks for the WAN, and members the
   * token may not {@code node:read} (by member name) are left out.
   */
  private void members(ServerRequest req, ServerResponse res) {
    boolean wan = !QueryParams.string(req, "wan").orElse("").isEmpty();
    String segment = QueryParams.string(req, "segment").orElse("");
    if (!segment.isEmpty() && !segment.equals(ALL_SEGMENTS)) {
      throw ApiException.badRequest(
          wan
              ? "Cannot provide a segment with wan=true"
              : "network segments are not supported in this version of Consul: Cairn has only"
                  + " the default one");
    }
    AgentSelf.MemberRowJson member = wan ? self.wanMemberRow() : self.memberRow();
    if (!RequestAcl.of(req).canReadNode(member.name())) {
      RequestAcl.filtered(res);
      Json.send(res, List.of());
      return;
    }
    Json.send(res, List.of(member));
  }

  private void self(ServerRequest req, ServerResponse res) {
    RequestAcl.of(req).requireAgent(self.node().name(), Access.READ);
    Json.send(res, self.describe());
  }

  /** Writing to an instance needs write on its service; an unknown id is the registry's 404. */
  private void requireInstanceWrite(ServerRequest req, String instanceId) {
    registry
        .snapshot()
        .instance(instanceId)
        .ifPresent(i -> RequestAcl.of(req).requireService(i.value().name(), Access.WRITE));
  }

  private void requireCheckWrite(ServerRequest req, String checkId) {
    registry
        .snapshot()
        .check(checkId)
        .ifPresent(c -> requireInstanceWrite(req, c.value().serviceId()));
  }

  private void deregister(ServerRequest req, ServerResponse res) {
    requireInstanceWrite(req, req.path().pathParameters().get("id"));
    registry.apply(new DeregisterInstance(req.path().pathParameters().get("id")));
    res.send();
  }

  private void maintenance(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    String enable =
        QueryParams.string(req, "enable")
            .orElseThrow(
                () -> ApiException.badRequest("missing query parameter 'enable' (true or false)"));
    boolean on =
        switch (enable) {
          case "true" -> true;
          case "false" -> false;
          default ->
              throw ApiException.badRequest("'enable' must be true or false, was '" + enable + "'");
        };
    String reason = QueryParams.string(req, "reason").orElse("");
    requireInstanceWrite(req, id);
    registry.apply(on ? SetMaintenance.enable(id, reason) : SetMaintenance.disable(id));
    res.send();
  }

  private void services(ServerRequest req, ServerResponse res) {
    RegistrySnapshot s = BlockingQuery.await(req, registry, snap -> snap.tableIndexes().catalog());
    RowFilter filter = RowFilter.agentServices(req);
    RequestAcl acl = RequestAcl.of(req);
    Map<String, AgentServiceJson> out = new LinkedHashMap<>();
    for (Indexed<io.cairn.registry.model.ServiceInstance> i : s.instances()) {
      if (!acl.canReadService(i.value().name())) {
        RequestAcl.filtered(res);
        continue;
      }
      AgentServiceJson json = views.agentService(i);
      if (filter.matches(json)) {
        out.put(i.value().id(), json);
      }
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, snap -> snap.tableIndexes().catalog()));
    Json.send(res, out);
  }

  private void service(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    RegistrySnapshot s =
        BlockingQuery.await(
            req,
            registry,
            snap ->
                snap.instance(id).map(Indexed::modifyIndex).orElse(snap.tableIndexes().catalog()));
    Indexed<io.cairn.registry.model.ServiceInstance> instance =
        s.instance(id).orElseThrow(() -> ApiException.notFound("unknown service ID '" + id + "'"));
    RequestAcl.of(req).requireService(instance.value().name(), Access.READ);
    BlockingQuery.headers(res, Math.max(1, instance.modifyIndex()));
    Json.send(res, views.agentService(instance));
  }

  private void checks(ServerRequest req, ServerResponse res) {
    RegistrySnapshot s = BlockingQuery.await(req, registry, snap -> snap.tableIndexes().health());
    RowFilter filter = RowFilter.checks(req);
    RequestAcl acl = RequestAcl.of(req);
    Map<String, CheckJson> out = new LinkedHashMap<>();
    for (CheckJson c : views.serviceChecks(s)) {
      if (!acl.canReadService(c.serviceName())) {
        RequestAcl.filtered(res);
      } else if (filter.matches(c)) {
        out.put(c.checkId(), c);
      }
    }
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, snap -> snap.tableIndexes().health()));
    Json.send(res, out);
  }

  private void registerCheck(ServerRequest req, ServerResponse res) {
    Problems p = new Problems();
    JsonFields body = JsonFields.of("", Json.body(req), p);
    String serviceId = body.string("ServiceID", "");
    if (serviceId.isEmpty()) {
      p.add("ServiceID", "is required: Cairn attaches every check to a service instance");
      p.throwIfAny();
    }
    String name =
        registry.snapshot().instance(serviceId).map(i -> i.value().name()).orElse(serviceId);
    Optional<HealthCheck> check =
        CheckDecoder.decode(body, serviceId, name, "service:" + serviceId);
    p.throwIfAny();
    RequestAcl.of(req).requireService(name, Access.WRITE);
    registry.apply(new RegisterCheck(check.orElseThrow()));
    res.send();
  }

  private void deregisterCheck(ServerRequest req, ServerResponse res) {
    requireCheckWrite(req, req.path().pathParameters().get("id"));
    registry.apply(new DeregisterCheck(req.path().pathParameters().get("id")));
    res.send();
  }

  private void ttl(ServerRequest req, ServerResponse res, HealthStatus status) {
    String id = req.path().pathParameters().get("id");
    requireCheckWrite(req, id);
    requireTtl(id);
    ttlReports.reported(id);
    registry.apply(new UpdateCheck(id, status, QueryParams.string(req, "note").orElse("")));
    res.send();
  }

  private void updateCheck(ServerRequest req, ServerResponse res) {
    String id = req.path().pathParameters().get("id");
    Problems p = new Problems();
    JsonFields body = JsonFields.of("", Json.body(req), p);
    String statusText = body.string("Status", "");
    Optional<HealthStatus> status =
        HealthStatus.parse(statusText).filter(s -> s != HealthStatus.MAINTENANCE);
    if (status.isEmpty()) {
      p.add("Status", "must be passing, warning or critical, was '" + statusText + "'");
    }
    String output = body.string("Output", "");
    p.throwIfAny();
    requireCheckWrite(req, id);
    requireTtl(id);
    ttlReports.reported(id);
    registry.apply(new UpdateCheck(id, status.get(), output));
    res.send();
  }

  /** Only TTL checks take reports from outside; the others are Cairn's own probes. */
  private void requireTtl(String id) {
    Indexed<HealthCheck> check =
        registry
            .snapshot()
            .check(id)
            .orElseThrow(() -> ApiException.notFound("unknown check ID '" + id + "'"));
    if (!(check.value().definition() instanceof TtlCheck)) {
      throw ApiException.badRequest(
          "check '"
              + id
              + "' is a "
              + ConsulViews.type(check.value())
              + " check; only TTL checks take status updates");
    }
  }
}
