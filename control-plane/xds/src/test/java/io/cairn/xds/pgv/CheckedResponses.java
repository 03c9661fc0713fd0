package io.cairn.xds.pgv;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.envoyproxy.envoy.service.discovery.v3.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Runs Envoy's rules ({@link EnvoyRules}) on every resource of every xDS response the server sends
 * a test's clients, whichever client it is (grpc-java, grpc-js, Envoy, {@code AdsClient}), and gRPC
 * clients' rules ({@link GrpcJavaRules}) on those sent to a gRPC client (a node whose {@code
 * user_agent_name} starts with {@code gRPC}: grpc-java, grpc-js, grpc-go, C-core). The server's
 * thread must not throw, so rejections are kept; {@link CheckedCount} fails the test class that saw
 * one.
 */
public final class CheckedResponses implements DiscoveryServerCallbacks {
  public static final CheckedResponses INSTANCE = new CheckedResponses();

  private static final Map<String, Class<? extends Message>> TYPES =
      Map.of(
          "type.googleapis.com/envoy.config.listener.v3.Listener", Listener.class,
          "type.googleapis.com/envoy.config.route.v3.RouteConfiguration", RouteConfiguration.class,
          "type.googleapis.com/envoy.config.cluster.v3.Cluster", Cluster.class,
          "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment",
              ClusterLoadAssignment.class,
          "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret",
              io.envoyproxy.envoy.extensions.transport_sockets.tls.v3.Secret.class);
  private static final int KEPT = 20;

  private final AtomicLong checked = new AtomicLong();
  private final AtomicLong checkedForGrpc = new AtomicLong();
  // Streams whose node is a gRPC client; later requests may omit the node.
  private final Set<Long> grpcStreams = ConcurrentHashMap.newKeySet();
  private final AtomicLong rejected = new AtomicLong();
  // Rejections not yet reported by a test class; only the first few are kept whole.
  private final List<String> pending = new ArrayList<>();
  private long pendingCount;

  /** The tests use {@link #INSTANCE}; a checker of its own is for testing this one. */
  CheckedResponses() {}

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    noteClient(streamId, request.hasNode(), request.getNode());
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    noteClient(streamId, request.hasNode(), request.getNode());
  }

  private void noteClient(long streamId, boolean hasNode, Node node) {
    if (hasNode && node.getUserAgentName().startsWith("gRPC")) {
      grpcStreams.add(streamId);
    }
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    grpcStreams.remove(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    grpcStreams.remove(streamId);
  }

  @Override
  public void onV3StreamResponse(
      long streamId, DiscoveryRequest request, DiscoveryResponse response) {
    boolean grpc = grpcStreams.contains(streamId);
    response.getResourcesList().forEach(r -> check(r, grpc));
  }

  @Override
  public void onV3StreamDeltaResponse(
      long streamId, DeltaDiscoveryRequest request, DeltaDiscoveryResponse response) {
    boolean grpc = grpcStreams.contains(streamId);
    response.getResourcesList().stream().map(Resource::getResource).forEach(r -> check(r, grpc));
  }

  private void check(Any any, boolean grpc) {
    checked.incrementAndGet();
    Class<? extends Message> type = TYPES.get(any.getTypeUrl());
    if (type == null) {
      reject(any.getTypeUrl() + ": a type the tests do not expect Cairn to send");
      return;
    }
    try {
      Message resource = any.unpack(type);
      List<EnvoyRules.Violation> violations = EnvoyRules.violations(resource);
      if (!violations.isEmpty()) {
        reject(type.getSimpleName() + " " + violations + ":\n" + resource);
      }
      if (grpc) {
        checkedForGrpc.incrementAndGet();
        List<String> errors = GrpcJavaRules.violations(resource);
        if (!errors.isEmpty()) {
          reject(type.getSimpleName() + " rejected by gRPC clients " + errors + ":\n" + resource);
        }
      }
    } catch (InvalidProtocolBufferException e) {
      reject(any.getTypeUrl() + " does not parse: " + e.getMessage());
    }
  }

  private synchronized void reject(String what) {
    rejected.incrementAndGet();
    pendingCount++;
    if (pending.size() < KEPT) {
      pending.add(what);
    }
  }

  /** How many response resources were checked so far. */
  public long checked() {
    return checked.get();
  }

  /** How many of them went to gRPC clients and were checked by their rules too. */
  public long checkedForGrpc() {
    return checkedForGrpc.get();
  }

  public long rejected() {
    return rejected.get();
  }

  /** Throws if a resource was rejected since the last call, listing the first few; clears them. */
  public synchronized void failIfRejected() {
    long count = pendingCount;
    List<String> first = List.copyOf(pending);
    pending.clear();
    pendingCount = 0;
    if (count > 0) {
      throw new AssertionError(
          count
              + " resource(s) in xDS responses broke Envoy's or gRPC's validation rules; the first:\n"
              + String.join("\n\n", first));
    }
  }
}
