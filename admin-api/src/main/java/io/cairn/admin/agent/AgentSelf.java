package io.cairn.admin.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cairn.admin.AdminHooks.XdsPorts;
import io.cairn.admin.consul.NodeIdentity;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What {@code /v1/agent/self} reports, in Consul's shape: the datacenter and node, a Consul-like
 * {@code Config.Version} (the Consul API version Cairn follows, which tools such as Nomad compare
 * against their minimum; Cairn's own version is {@code Config.Revision}), and where xDS is served
 * ({@code DebugConfig.GRPCPort}/{@code GRPCTLSPort} and {@code xDS.Ports}, which {@code consul
 * connect envoy} reads to point Envoy at the server).
 */
public record AgentSelf(NodeIdentity node, String version, XdsPorts xds) {
  /** The Consul HTTP API version whose shapes and semantics Cairn's API follows. */
  public static final String CONSUL_API_VERSION = "1.17.0";

  /** Envoy versions Cairn's xDS output is checked against (its PGV rules and EnvoyContainerIT). */
  static final List<String> ENVOY_VERSIONS = List.of("1.34.x");

  public AgentSelf {
    Objects.requireNonNull(node, "node");
    Objects.requireNonNull(version, "version");
    Objects.requireNonNull(xds, "xds");
  }

  /** The response body. */
  public record SelfJson(
      @JsonProperty("Config") ConfigJson config,
      @JsonProperty("DebugConfig") DebugConfigJson debugConfig,
      @JsonProperty("Member") MemberJson member,
      @JsonProperty("Meta") Map<String, String> meta,
      @JsonProperty("xDS") XdsJson xds) {}

  /** {@code Config} of the agent. */
  public record ConfigJson(
      @JsonProperty("Datacenter") String datacenter,
      @JsonProperty("NodeName") String nodeName,
      @JsonProperty("NodeID") String nodeId,
      @JsonProperty("Server") boolean server,
      @JsonProperty("Revision") String revision,
      @JsonProperty("Version") String version) {}

  /** The part of Consul's {@code DebugConfig} that clients read. */
  public record DebugConfigJson(
      @JsonProperty("Datacenter") String datacenter,
      @JsonProperty("NodeName") String nodeName,
      @JsonProperty("GRPCPort") int grpcPort,
      @JsonProperty("GRPCTLSPort") int grpcTlsPort,
      @JsonProperty("ConnectEnabled") boolean connectEnabled) {}

  /** {@code Member}: this node as a cluster member. */
  public record MemberJson(
      @JsonProperty("Name") String name,
      @JsonProperty("Addr") String addr,
      @JsonProperty("Port") int port,
      @JsonProperty("Tags") Map<String, String> tags,
      @JsonProperty("Status") int status) {}

  /** {@code xDS}: the Envoy versions supported and the ports (Consul 1.14+). */
  public record XdsJson(
      @JsonProperty("SupportedProxies") Map<String, List<String>> supportedProxies,
      @JsonProperty("Port") int port,
      @JsonProperty("Ports") Map<String, Integer> ports) {}

  /**
   * One row of {@code /v1/agent/members}: Consul's member, for Cairn's one node. There is no
   * gossip; the Serf port is Consul's default, reported for clients that read it.
   */
  public record MemberRowJson(
      @JsonProperty("Name") String name,
      @JsonProperty("Addr") String addr,
      @JsonProperty("Port") int port,
      @JsonProperty("Tags") Map<String, String> tags,
      @JsonProperty("Status") int status,
      @JsonProperty("ProtocolMin") int protocolMin,
      @JsonProperty("ProtocolMax") int protocolMax,
      @JsonProperty("ProtocolCur") int protocolCur,
      @JsonProperty("DelegateMin") int delegateMin,
      @JsonProperty("DelegateMax") int delegateMax,
      @JsonProperty("DelegateCur") int delegateCur) {}

  /** Consul's default Serf LAN port, reported as the member's port (Cairn has no gossip). */
  static final int SERF_LAN_PORT = 8301;

  /** Consul's default Serf WAN port, reported as the WAN member's port. */
  static final int SERF_WAN_PORT = 8302;

  private Map<String, String> memberTags() {
    return Map.of(
        "dc", node.datacenter(),
        "role", "consul",
        "id", node.id(),
        "build", CONSUL_API_VERSION + ":cairn-" + version,
        "vsn", "2",
        "vsn_min", "2",
        "vsn_max", "3",
        "port", "8300",
        "segment", "");
  }

  private MemberJson member() {
    return new MemberJson(node.name(), node.address(), SERF_LAN_PORT, memberTags(), 1);
  }

  MemberRowJson memberRow() {
    return memberRow(node.name(), SERF_LAN_PORT);
  }

  /** The same server in the WAN pool, named {@code <node>.<datacenter>} as Consul names it. */
  MemberRowJson wanMemberRow() {
    return memberRow(node.name() + "." + node.datacenter(), SERF_WAN_PORT);
  }

  private MemberRowJson memberRow(String name, int port) {
    return new MemberRowJson(name, node.address(), port, memberTags(), 1, 1, 5, 2, 2, 5, 4);
  }

  SelfJson describe() {
    int port = xds.plaintext() != -1 ? xds.plaintext() : xds.tls();
    return new SelfJson(
        new ConfigJson(
            node.datacenter(),
            node.name(),
            node.id(),
            true,
            "cairn " + version,
            CONSUL_API_VERSION),
        new DebugConfigJson(node.datacenter(), node.name(), xds.plaintext(), xds.tls(), true),
        member(),
        node.meta(),
        new XdsJson(
            Map.of("envoy", ENVOY_VERSIONS),
            port,
            Map.of("Plaintext", xds.plaintext(), "TLS", xds.tls())));
  }
}
