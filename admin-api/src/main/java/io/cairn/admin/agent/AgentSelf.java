package io.cairn.admin.agent;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cairn.admin.consul.NodeIdentity;
import java.util.Map;

/**
 * What {@code /v1/agent/self} reports: enough of Consul's shape for clients that call it to check
 * connectivity or read the datacenter and node name.
 */
public record AgentSelf(NodeIdentity node, String version) {
  /** The response body. */
  public record SelfJson(
      @JsonProperty("Config") ConfigJson config,
      @JsonProperty("Member") MemberJson member,
      @JsonProperty("Meta") Map<String, String> meta) {}

  /** {@code Config} of the agent. */
  public record ConfigJson(
      @JsonProperty("Datacenter") String datacenter,
      @JsonProperty("NodeName") String nodeName,
      @JsonProperty("NodeID") String nodeId,
      @JsonProperty("Server") boolean server,
      @JsonProperty("Revision") String revision,
      @JsonProperty("Version") String version) {}

  /** {@code Member}: this node as a cluster member. */
  public record MemberJson(
      @JsonProperty("Name") String name,
      @JsonProperty("Addr") String addr,
      @JsonProperty("Port") int port,
      @JsonProperty("Tags") Map<String, String> tags,
      @JsonProperty("Status") int status) {}

  SelfJson describe() {
    return new SelfJson(
        new ConfigJson(node.datacenter(), node.name(), node.id(), true, "cairn", version),
        new MemberJson(
            node.name(),
            node.address(),
            8301,
            Map.of("dc", node.datacenter(), "role", "consul"),
            1),
        Map.of());
  }
}
