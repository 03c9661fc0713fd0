package io.cairn.admin.xds;

import com.fasterxml.jackson.databind.PropertyNamingStrategies;
import com.fasterxml.jackson.databind.annotation.JsonNaming;
import java.util.Map;
import java.util.Optional;

/**
 * One xDS client as {@code GET /v1/xds/proxies} shows it (Consul-style field names).
 *
 * @param kind sidecar, proxyless, or unregistered (an Envoy waiting for its proxy to register)
 * @param connectedAt when its first open stream opened (ISO-8601)
 * @param acked resource type URL to the version last ACKed
 * @param lastNack the last rejected configuration, if any
 */
@JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
public record ConnectedProxy(
    String node,
    String cluster,
    String kind,
    int streams,
    String connectedAt,
    Map<String, String> acked,
    Optional<Nack> lastNack) {

  public ConnectedProxy {
    acked = Map.copyOf(acked);
  }

  /** A rejection: which type, which response (nonce), the client's reason, when. */
  @JsonNaming(PropertyNamingStrategies.UpperCamelCaseStrategy.class)
  public record Nack(String typeUrl, String nonce, String error, String at) {}
}
