package io.cairn.admin.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.consul.NodeIdentity;
import io.cairn.admin.http.Json;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.NotFoundException;
import io.cairn.registry.Registry;
import io.cairn.registry.acl.Access;
import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.CatalogState;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.command.CatalogDeregister;
import io.cairn.registry.command.CatalogRegister;
import io.cairn.registry.command.DeregisterCheck;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.Problems;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;
import java.util.Set;

/**
 * {@code PUT /v1/catalog/register} and {@code /v1/catalog/deregister}: Consul's catalog writes. On
 * Cairn's own node a service registered here is an instance like one registered with the agent API,
 * and node metadata and catalog checks (which no one would run) are refused by name. Any other node
 * is a catalog node (Consul's external node): kept as registered, with checks whose status the
 * client writes.
 */
public final class CatalogRegistrationApi implements HttpService {
  private final Registry registry;
  private final NodeIdentity node;

  public CatalogRegistrationApi(Registry registry, NodeIdentity node) {
    this.registry = registry;
    this.node = node;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.put("/register", this::register).put("/deregister", this::deregister);
  }

  private void register(ServerRequest req, ServerResponse res) {
    Problems p = new Problems();
    JsonNode root = Json.body(req);
    String named = JsonFields.of("", root, new Problems()).string("Node", "");
    if (!named.isEmpty() && !named.equals(node.name())) {
      registerCatalogNode(req, res, root, named);
      return;
    }
    JsonFields body = JsonFields.of("", root, p);
    requireOurNode(body);
    body.string("ID")
        .filter(id -> !id.isEmpty() && !id.equals(node.id()))
        .ifPresent(id -> p.add("ID", "is Cairn's node ID, " + node.id() + ", not '" + id + "'"));
    body.string("Address")
        .filter(a -> !a.isEmpty() && !a.equals(node.address()))
        .ifPresent(
            a ->
                p.add(
                    "Address",
                    "Cairn's node address is "
                        + node.address()
                        + " (--advertise-address); a service's own address goes in"
                        + " Service.Address"));
    body.bool("SkipNodeUpdate");
    for (String field : new String[] {"Check", "Checks"}) {
      JsonNode checks = root.get(field);
      if (checks != null && !checks.isNull() && !checks.isEmpty()) {
        p.add(
            field,
            "checks registered in the catalog are not supported: nothing would run or update them;"
                + " register the service's checks with it (Service.Check, Service.Checks) or with"
                + " /v1/agent/check/register, and Cairn runs them");
      }
    }
    Optional<JsonNode> service = Optional.ofNullable(root.get("Service"));
    body.object("Service");
    body.rejectUnknown(Set.of("Check", "Checks"));
    p.throwIfAny();
    if (service.isEmpty() || service.get().isNull()) {
      Json.send(res, true); // the node exists already
      return;
    }
    RegisterInstance command = decodeService(service.get(), AgentApi.peerAddress(req));
    RequestAcl acl = RequestAcl.of(req);
    acl.requireNode(node.name(), Access.WRITE);
    acl.requireService(command.instance().name(), Access.WRITE);
    registry.apply(command);
    Json.send(res, true);
  }

  /** A node other than Cairn's: kept in the catalog as registered, probed by no one. */
  private void registerCatalogNode(
      ServerRequest req, ServerResponse res, JsonNode root, String name) {
    CatalogState catalog = registry.snapshot().catalog();
    Optional<CatalogNode> stored = catalog.node(name).map(Indexed::value);
    CatalogRegister command = CatalogNodeDecoder.decode(root, node.datacenter(), stored);
    // Consul's rules: write on the node when it changes or gets a node check, write on each
    // service registered or given a check.
    RequestAcl acl = RequestAcl.of(req);
    if (stored.isEmpty()
        || !command.skipNodeUpdate()
        || command.checks().stream().anyMatch(NodeCheck::isNodeCheck)) {
      acl.requireNode(name, Access.WRITE);
    }
    command.service().ifPresent(s -> acl.requireService(s.service().name(), Access.WRITE));
    for (NodeCheck check : command.checks()) {
      if (!check.isNodeCheck()) {
        command
            .service()
            .filter(s -> s.service().id().equals(check.serviceId()))
            .or(() -> catalog.service(name, check.serviceId()).map(Indexed::value))
            .ifPresent(s -> acl.requireService(s.service().name(), Access.WRITE));
      }
    }
    registry.apply(command);
    Json.send(res, true);
  }

  /**
   * The catalog's {@code Service} as an agent registration: Consul names the service {@code
   * Service} there and {@code Name} in the agent API; the rest is the same.
   */
  private RegisterInstance decodeService(JsonNode service, String peerAddress) {
    Problems p = new Problems();
    JsonNode copy = service.deepCopy();
    if (copy instanceof ObjectNode o && o.has("Service")) {
      o.set("Name", o.remove("Service"));
    }
    JsonFields fields = JsonFields.of("Service", copy, p);
    return RegistrationDecoder.decode(fields, peerAddress, node.datacenter(), false);
  }

  private void deregister(ServerRequest req, ServerResponse res) {
    Problems p = new Problems();
    JsonFields body = JsonFields.of("", Json.body(req), p);
    String name = body.string("Node", "");
    Optional<String> serviceId = body.string("ServiceID").filter(s -> !s.isEmpty());
    Optional<String> checkId = body.string("CheckID").filter(s -> !s.isEmpty());
    body.string("Datacenter")
        .filter(dc -> !dc.isEmpty() && !dc.equals(node.datacenter()))
        .ifPresent(dc -> p.add("Datacenter", "Cairn's datacenter is " + node.datacenter()));
    body.defaultTenancy();
    if (name.isEmpty()) {
      p.add("Node", "is required");
    }
    if (name.equals(node.name()) && serviceId.isEmpty() && checkId.isEmpty()) {
      p.add(
          "Node",
          "deregistering Cairn's node would remove every instance; name a ServiceID or CheckID");
    }
    body.rejectUnknown(Set.of());
    p.throwIfAny();
    if (!name.equals(node.name())) {
      deregisterCatalogNode(req, name, serviceId, checkId);
      Json.send(res, true);
      return;
    }
    // Consul's rule for catalog writes: write on the node.
    RequestAcl.of(req).requireNode(node.name(), Access.WRITE);
    try {
      if (checkId.isPresent()) {
        registry.apply(new DeregisterCheck(checkId.get()));
      } else {
        registry.apply(new DeregisterInstance(serviceId.orElseThrow()));
      }
    } catch (NotFoundException e) {
      // Consul answers true for what is not registered.
    }
    Json.send(res, true);
  }

  /** Consul's rules: write on a service or a service's check, write on the node otherwise. */
  private void deregisterCatalogNode(
      ServerRequest req, String name, Optional<String> serviceId, Optional<String> checkId) {
    CatalogState catalog = registry.snapshot().catalog();
    RequestAcl acl = RequestAcl.of(req);
    if (serviceId.isEmpty() && checkId.isEmpty()) {
      acl.requireNode(name, Access.WRITE);
    }
    serviceId
        .flatMap(id -> catalog.service(name, id))
        .ifPresent(s -> acl.requireService(s.value().service().name(), Access.WRITE));
    checkId
        .flatMap(id -> catalog.check(name, id))
        .ifPresent(
            c -> {
              Optional<Indexed<NodeService>> owner = catalog.service(name, c.value().serviceId());
              if (c.value().isNodeCheck() || owner.isEmpty()) {
                acl.requireNode(name, Access.WRITE);
              } else {
                acl.requireService(owner.get().value().service().name(), Access.WRITE);
              }
            });
    registry.apply(new CatalogDeregister(name, serviceId, checkId));
  }

  private void requireOurNode(JsonFields body) {
    Problems p = body.problems();
    String name = body.string("Node", "");
    if (name.isEmpty()) {
      p.add("Node", "is required");
    }
    body.string("Datacenter")
        .filter(dc -> !dc.isEmpty() && !dc.equals(node.datacenter()))
        .ifPresent(dc -> p.add("Datacenter", "Cairn's datacenter is " + node.datacenter()));
    body.defaultTenancy();
  }
}
