package io.cairn.admin.consul;

import io.cairn.admin.consul.ConsulJson.AgentServiceJson;
import io.cairn.admin.consul.ConsulJson.CatalogServiceJson;
import io.cairn.admin.consul.ConsulJson.CheckDefinitionJson;
import io.cairn.admin.consul.ConsulJson.CheckJson;
import io.cairn.admin.consul.ConsulJson.ConnectJson;
import io.cairn.admin.consul.ConsulJson.HealthEntryJson;
import io.cairn.admin.consul.ConsulJson.LocalityJson;
import io.cairn.admin.consul.ConsulJson.NodeJson;
import io.cairn.admin.consul.ConsulJson.ProxyJson;
import io.cairn.admin.consul.ConsulJson.UpstreamJson;
import io.cairn.admin.consul.ConsulJson.WeightsJson;
import io.cairn.admin.json.GoDuration;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.model.CheckThresholds;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.GrpcCheck;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.HttpCheck;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.model.InstanceHealth;
import io.cairn.registry.model.Maintenance;
import io.cairn.registry.model.ProbeCheck;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.TcpCheck;
import io.cairn.registry.model.TtlCheck;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/** Converts registry values to Consul's JSON shapes. Pure; one instance per node identity. */
public final class ConsulViews {
  public static final String SERF_HEALTH = "serfHealth";
  public static final String MAINTENANCE_PREFIX = "_service_maintenance:";
  public static final String CONNECT_PROXY_KIND = "connect-proxy";

  /** The node's and maintenance's checks probe nothing. */
  static final CheckDefinitionJson NO_DEFINITION = CheckDefinitionJson.builder().build();

  private final NodeIdentity node;
  private final Map<String, String> taggedAddresses;

  public ConsulViews(NodeIdentity node) {
    this.node = node;
    this.taggedAddresses = Map.of("lan", node.address(), "wan", node.address());
  }

  public NodeIdentity node() {
    return node;
  }

  public AgentServiceJson agentService(Indexed<ServiceInstance> indexed) {
    return agentService(indexed, indexed.value().address());
  }

  /** The service as shown with {@code address} as its {@code Address}. */
  AgentServiceJson agentService(Indexed<ServiceInstance> indexed, String address) {
    ServiceInstance s = indexed.value();
    return new AgentServiceJson(
        s.proxy().map(p -> CONNECT_PROXY_KIND),
        s.id(),
        s.name(),
        s.tags(),
        s.meta(),
        s.port(),
        address,
        Map.of(),
        new WeightsJson(s.weights().passing(), s.weights().warning()),
        false,
        s.proxy().map(ConsulViews::proxy),
        connect(s),
        s.locality().map(l -> new LocalityJson(l.region(), l.zone())),
        node.datacenter(),
        indexed.createIndex(),
        indexed.modifyIndex());
  }

  /** {@code Connect: {Native: true}} for a Connect-native service; nothing otherwise. */
  static Optional<ConnectJson> connect(ServiceInstance s) {
    return s.connectNative() ? Optional.of(ConnectJson.NATIVE) : Optional.empty();
  }

  static ProxyJson proxy(ConnectProxy p) {
    return new ProxyJson(
        p.destinationServiceName(),
        p.destinationServiceId().orElse(""),
        p.localServiceAddress(),
        p.localServicePort(),
        "",
        p.upstreams().stream()
            .map(
                u ->
                    new UpstreamJson(
                        "service", u.destinationName(), u.localBindAddress(), u.localBindPort()))
            .toList());
  }

  public NodeJson nodeJson(long index) {
    return new NodeJson(
        node.id(),
        node.name(),
        node.address(),
        node.datacenter(),
        taggedAddresses,
        node.meta(),
        1,
        Math.max(1, index));
  }

  /** A health entry: the node, the service, and its checks led by the node's own. */
  public HealthEntryJson healthEntry(InstanceHealth health) {
    Indexed<ServiceInstance> instance = health.instance();
    return new HealthEntryJson(
        nodeJson(instance.createIndex()), agentService(instance), checks(health));
  }

  /** Every check of an instance as Consul lists them: serfHealth, maintenance, then its own. */
  public List<CheckJson> checks(InstanceHealth health) {
    List<CheckJson> checks = new ArrayList<>(health.checks().size() + 2);
    checks.add(nodeCheck());
    checks.addAll(serviceChecks(health));
    return checks;
  }

  /** Checks of an instance without the node's serfHealth check (for agent and service lists). */
  public List<CheckJson> serviceChecks(InstanceHealth health) {
    List<CheckJson> checks = new ArrayList<>(health.checks().size() + 1);
    health.maintenance().ifPresent(m -> checks.add(maintenanceCheck(m, health.value())));
    for (Indexed<HealthCheck> c : health.checks()) {
      checks.add(check(c, health.value()));
    }
    return checks;
  }

  /** Every instance's checks, without serfHealth, ordered by instance id then check id. */
  public List<CheckJson> serviceChecks(RegistrySnapshot snapshot) {
    List<CheckJson> checks =
        new ArrayList<>(snapshot.checkCount() + snapshot.maintenances().size());
    for (Indexed<ServiceInstance> i : snapshot.instances()) {
      checks.addAll(serviceChecks(snapshot.instanceHealth(i.value().id()).orElseThrow()));
    }
    return checks;
  }

  public CheckJson nodeCheck() {
    return new CheckJson(
        node.name(),
        SERF_HEALTH,
        "Serf Health Status",
        HealthStatus.PASSING.wireName(),
        "",
        "Agent alive and reachable",
        "",
        "",
        List.of(),
        "",
        "",
        "",
        0,
        NO_DEFINITION,
        1,
        1);
  }

  public CheckJson maintenanceCheck(Indexed<Maintenance> m, ServiceInstance owner) {
    return new CheckJson(
        node.name(),
        MAINTENANCE_PREFIX + owner.id(),
        "Service Maintenance Mode",
        HealthStatus.CRITICAL.wireName(),
        m.value().reason().isEmpty()
            ? "Maintenance mode is enabled for this service, but no reason was provided. This is a default message."
            : m.value().reason(),
        "",
        owner.id(),
        owner.name(),
        owner.tags(),
        "maintenance",
        "",
        "",
        0,
        NO_DEFINITION,
        m.createIndex(),
        m.modifyIndex());
  }

  public CheckJson check(Indexed<HealthCheck> indexed, ServiceInstance owner) {
    HealthCheck c = indexed.value();
    CheckDefinitionJson definition = definition(c);
    return new CheckJson(
        node.name(),
        c.id(),
        c.name(),
        c.status().wireName(),
        c.notes(),
        c.output(),
        owner.id(),
        owner.name(),
        owner.tags(),
        type(c),
        definition.interval(),
        definition.timeout(),
        0,
        definition,
        indexed.createIndex(),
        indexed.modifyIndex());
  }

  /** A check found by id in {@code snapshot}, with its owner. */
  public Optional<CheckJson> check(RegistrySnapshot snapshot, String checkId) {
    return snapshot
        .check(checkId)
        .flatMap(
            c -> snapshot.instance(c.value().serviceId()).map(owner -> check(c, owner.value())));
  }

  public static String type(HealthCheck c) {
    return switch (c.definition()) {
      case HttpCheck h -> "http";
      case TcpCheck t -> "tcp";
      case GrpcCheck g -> "grpc";
      case TtlCheck t -> "ttl";
    };
  }

  private static String format(Duration d) {
    return GoDuration.format(d);
  }

  static CheckDefinitionJson definition(HealthCheck c) {
    CheckThresholds t = c.thresholds();
    return probe(c)
        .deregisterCriticalServiceAfter(
            c.deregisterCriticalAfter().map(ConsulViews::format).orElse(""))
        .thresholds(t.successBeforePassing(), t.failuresBeforeWarning(), t.failuresBeforeCritical())
        .build();
  }

  /** What the check probes, and how often. */
  private static CheckDefinitionJson.Builder probe(HealthCheck c) {
    return switch (c.definition()) {
      case HttpCheck h ->
          scheduled(h)
              .http(h.url().toString())
              .header(h.headers())
              .method(h.method())
              .body(h.body())
              .tlsSkipVerify(h.tlsSkipVerify());
      case TcpCheck t -> scheduled(t).tcp(hostPort(t.host(), t.port()));
      case GrpcCheck g ->
          scheduled(g)
              .grpc(hostPort(g.host(), g.port()) + (g.service().isEmpty() ? "" : "/" + g.service()))
              .grpcUseTls(g.useTls())
              .tlsSkipVerify(g.tlsSkipVerify());
      case TtlCheck t -> CheckDefinitionJson.builder().ttl(format(t.ttl()));
    };
  }

  private static CheckDefinitionJson.Builder scheduled(ProbeCheck probe) {
    return CheckDefinitionJson.builder()
        .interval(format(probe.interval()))
        .timeout(format(probe.timeout()));
  }

  static String hostPort(String host, int port) {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }

  public CatalogServiceJson catalogRow(Indexed<ServiceInstance> indexed) {
    return catalogRow(nodeJson(0), indexed, indexed.value().address());
  }

  /** A row of {@code /v1/catalog/service}: the node's fields, then the service's. */
  static CatalogServiceJson catalogRow(
      NodeJson node, Indexed<ServiceInstance> indexed, String serviceAddress) {
    ServiceInstance s = indexed.value();
    return new CatalogServiceJson(
        node.id(),
        node.node(),
        node.address(),
        node.datacenter(),
        node.taggedAddresses(),
        node.meta(),
        s.proxy().isPresent() ? CONNECT_PROXY_KIND : "",
        s.id(),
        s.name(),
        s.tags(),
        serviceAddress,
        new WeightsJson(s.weights().passing(), s.weights().warning()),
        s.meta(),
        s.port(),
        false,
        s.proxy().map(ConsulViews::proxy),
        connect(s),
        s.locality().map(l -> new LocalityJson(l.region(), l.zone())),
        indexed.createIndex(),
        indexed.modifyIndex());
  }
}
