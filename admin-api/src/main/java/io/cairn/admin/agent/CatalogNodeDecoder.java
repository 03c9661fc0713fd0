package io.cairn.admin.agent;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.NodeCheck;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.command.CatalogRegister;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.validation.Problems;
import io.cairn.registry.validation.ValidationException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Decodes Consul's {@code PUT /v1/catalog/register} body for a node other than Cairn's: the node,
 * one service, and checks whose status the client reports. Cairn runs no probe for a catalog node,
 * so a check with a {@code Definition} or a service with agent checks is refused by name.
 */
final class CatalogNodeDecoder {
  private CatalogNodeDecoder() {}

  /**
   * The command for {@code root}; every problem is reported together.
   *
   * @param stored the node as stored, if it exists: {@code SkipNodeUpdate} may then omit the
   *     address
   */
  static CatalogRegister decode(JsonNode root, String datacenter, Optional<CatalogNode> stored) {
    Problems p = new Problems();
    JsonFields body = JsonFields.of("", root, p);
    String name = body.string("Node", "");
    boolean skip = body.bool("SkipNodeUpdate", false);
    String given = body.string("Address", "");
    String address = given.isEmpty() && skip && stored.isPresent() ? stored.get().address() : given;
    String id = body.string("ID", "");
    Map<String, String> tagged = body.stringMap("TaggedAddresses");
    Map<String, String> meta = body.stringMap("NodeMeta");
    body.string("Datacenter")
        .filter(dc -> !dc.isEmpty() && !dc.equals(datacenter))
        .ifPresent(dc -> p.add("Datacenter", "Cairn's datacenter is " + datacenter));
    body.defaultTenancy();
    List<JsonFields> checkFields = new ArrayList<>();
    body.object("Check").ifPresent(checkFields::add);
    checkFields.addAll(body.objects("Checks"));
    Optional<JsonNode> serviceNode =
        Optional.ofNullable(root.get("Service")).filter(n -> !n.isNull());
    body.object("Service");
    body.rejectUnknown(Set.of());

    Optional<CatalogNode> node = build(p, () -> new CatalogNode(name, id, address, tagged, meta));
    List<NodeCheck> checks = new ArrayList<>();
    for (JsonFields c : checkFields) {
      check(c, name).ifPresent(checks::add);
    }
    Optional<NodeService> service = Optional.empty();
    if (serviceNode.isPresent() && !serviceNode.get().isEmpty()) {
      service = service(p, serviceNode.get(), name, address, datacenter);
    }
    p.throwIfAny();
    return new CatalogRegister(node.orElseThrow(), skip, service, checks);
  }

  private static Optional<NodeService> service(
      Problems p, JsonNode json, String node, String nodeAddress, String datacenter) {
    for (String agentOnly : new String[] {"Check", "Checks"}) {
      JsonNode v = json.get(agentOnly);
      if (v != null && !v.isNull() && !v.isEmpty()) {
        p.add(
            "Service." + agentOnly,
            "a service of a catalog node has no agent to run checks; send its checks in Check or"
                + " Checks with their Status");
      }
    }
    // Connect.Native is the service's own business; a sidecar needs an agent to run beside.
    JsonNode sidecar = json.path("Connect").path("SidecarService");
    if (!sidecar.isMissingNode() && !sidecar.isNull()) {
      p.add(
          "Service.Connect.SidecarService",
          "a service of a catalog node has no agent to run a sidecar; register the sidecar with"
              + " /v1/agent/service/register");
    }
    if (!p.isEmpty()) {
      return Optional.empty();
    }
    // Consul names the service `Service` here and `Name` in the agent API; the rest is the same.
    JsonNode copy = json.deepCopy();
    if (copy instanceof ObjectNode o && o.has("Service")) {
      o.set("Name", o.remove("Service"));
    }
    boolean ownAddress = !copy.path("Address").asText("").isEmpty();
    String fallback = nodeAddress.isEmpty() ? "0.0.0.0" : nodeAddress;
    try {
      RegisterInstance decoded =
          RegistrationDecoder.decode(
              JsonFields.of("Service", copy, p), fallback, datacenter, false);
      ServiceInstance instance = decoded.instance();
      return build(p, () -> new NodeService(node, instance, !ownAddress));
    } catch (ValidationException e) {
      return Optional.empty(); // its problems are in p already
    }
  }

  private static Optional<NodeCheck> check(JsonFields c, String node) {
    Problems p = c.problems();
    c.string("Node")
        .filter(n -> !n.isEmpty() && !n.equals(node))
        .ifPresent(n -> p.add(c.pathOf("Node"), "must be the registration's node '" + node + "'"));
    String name = c.string("Name", "");
    String id = c.string("CheckID", "");
    if (id.isEmpty()) {
      id = name; // as Consul does
    }
    String statusName = c.string("Status", "");
    Optional<HealthStatus> status =
        statusName.isEmpty()
            ? Optional.of(HealthStatus.CRITICAL) // Consul's default for a new check
            : HealthStatus.parse(statusName).filter(s -> s != HealthStatus.MAINTENANCE);
    if (status.isEmpty()) {
      p.add(c.pathOf("Status"), "must be passing, warning or critical, was '" + statusName + "'");
    }
    String notes = c.string("Notes", "");
    String output = c.string("Output", "");
    String serviceId = c.string("ServiceID", "");
    c.defaultTenancy();
    // Consul fills these from the service; what a client sends is not kept. A Definition with
    // values is refused as unknown: Cairn runs no probe for a catalog node.
    c.rejectUnknown(Set.of("ServiceName", "ServiceTags", "CreateIndex", "ModifyIndex"));
    if (status.isEmpty()) {
      return Optional.empty();
    }
    String checkId = id;
    return build(
        p,
        () ->
            new NodeCheck(
                node,
                checkId,
                name.isEmpty() ? checkId : name,
                serviceId,
                status.get(),
                notes,
                output));
  }

  /** The value, or empty with its validation problems added to {@code p}. */
  private static <T> Optional<T> build(Problems p, java.util.function.Supplier<T> value) {
    try {
      return Optional.of(value.get());
    } catch (ValidationException e) {
      e.problems().forEach(pr -> p.add(pr.field(), pr.message()));
      return Optional.empty();
    }
  }
}
