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
import io.cairn.registry.command.DeregisterCheck;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.validation.Problems;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.Optional;
import java.util.Set;

/**
 * {@code PUT /v1/catalog/register} and {@code /v1/catalog/deregister}: Consul's catalog writes, for
 * Cairn's one node. A service registered here is an instance like one registered with the agent
 * API. Other nodes, node metadata and catalog checks (which no one would run) are refused by name.
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
      Json.send(res, true); // Consul: nothing registered on an unknown node, nothing to remove
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

  private void requireOurNode(JsonFields body) {
    Problems p = body.problems();
    String name = body.string("Node", "");
    if (name.isEmpty()) {
      p.add("Node", "is required");
    } else if (!name.equals(node.name())) {
      p.add(
          "Node",
          "Cairn is one node, '"
              + node.name()
              + "': services of other nodes (external services) cannot be registered");
    }
    body.string("Datacenter")
        .filter(dc -> !dc.isEmpty() && !dc.equals(node.datacenter()))
        .ifPresent(dc -> p.add("Datacenter", "Cairn's datacenter is " + node.datacenter()));
    body.defaultTenancy();
  }
}
