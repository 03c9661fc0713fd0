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
        new MemberJson(
            node.name(),
            node.address(),
            8301,
            Map.of("dc", node.datacenter(), "role", "consul"),
            1),
        Map.of(),
        new XdsJson(
            Map.of("envoy", ENVOY_VERSIONS),
            port,
            Map.of("Plaintext", xds.plaintext(), "TLS", xds.tls())));
  }
}
