package io.cairn.xds.server;

import java.time.Instant;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * One connected xDS client as Cairn sees it.
 *
 * @param nodeId the client's {@code node.id}
 * @param cluster its {@code node.cluster} (a sidecar's service), empty for most gRPC clients
 * @param kind {@code sidecar} (a registered connect proxy), {@code proxyless} (served resources by
 *     name) or {@code unregistered} (an Envoy whose id is no registered proxy: it waits)
 * @param streams open streams from this node
 * @param acked the version last ACKed per resource type URL
 * @param lastNack the last rejection, if any since the last ACK of that type
 */
public record ProxyStatus(
    String nodeId,
    String cluster,
    String kind,
    int streams,
    Instant connectedAt,
    Map<String, String> acked,
    Optional<Nack> lastNack) {

  public ProxyStatus {
    Objects.requireNonNull(nodeId, "nodeId");
    Objects.requireNonNull(cluster, "cluster");
    Objects.requireNonNull(kind, "kind");
    acked = Map.copyOf(acked);
    Objects.requireNonNull(lastNack, "lastNack");
  }

  /** A configuration the client rejected, with its reason ({@code error_detail}). */
  public record Nack(String typeUrl, String rejectedNonce, String message, Instant at) {}
}
