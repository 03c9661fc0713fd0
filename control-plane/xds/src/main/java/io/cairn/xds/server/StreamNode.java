package io.cairn.xds.server;

import io.envoyproxy.controlplane.cache.ConfigWatcher;
import io.envoyproxy.controlplane.cache.DeltaResponse;
import io.envoyproxy.controlplane.cache.DeltaWatch;
import io.envoyproxy.controlplane.cache.DeltaXdsRequest;
import io.envoyproxy.controlplane.cache.Response;
import io.envoyproxy.controlplane.cache.Watch;
import io.envoyproxy.controlplane.cache.XdsRequest;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * The node an xDS stream named. Only a stream's first request is sure to carry it (grpc-js, and
 * Envoy with {@code set_node_on_first_message_only}, send it once), but the cache picks the
 * snapshot group of every request from that request's node: without it, a sidecar's or a {@code
 * node.cluster} client's later subscriptions were served from the plain proxyless group. The
 * interceptor gives each call a holder in its gRPC {@link Context}; the watcher, which the library
 * calls inside the call, keeps the latest node a request carried and puts it on those without.
 */
final class StreamNode {
  private static final Context.Key<StreamNode> KEY = Context.key("cairn-xds-stream-node");

  private volatile Node node = Node.getDefaultInstance();

  private StreamNode() {}

  /** Gives every call a holder; install it on each discovery service. */
  static ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        Context context = Context.current().withValue(KEY, new StreamNode());
        return Contexts.interceptCall(context, call, headers, next);
      }
    };
  }

  /** {@code cache} as seen with every request carrying its stream's node. */
  static ConfigWatcher filling(ConfigWatcher cache) {
    return new ForwardingWatcher(cache) {
      @Override
      public Watch createWatch(
          boolean ads,
          XdsRequest request,
          Set<String> knownResourceNames,
          Consumer<Response> responseConsumer,
          boolean hasClusterChanged,
          boolean allowDefaultEmptyEdsUpdate) {
        var v3 = request.v3Request();
        Node node = remember(v3.hasNode(), v3.getNode());
        XdsRequest filled =
            v3.hasNode() || node == v3.getNode()
                ? request
                : XdsRequest.create(v3.toBuilder().setNode(node).build());
        return super.createWatch(
            ads,
            filled,
            knownResourceNames,
            responseConsumer,
            hasClusterChanged,
            allowDefaultEmptyEdsUpdate);
      }

      @Override
      public DeltaWatch createDeltaWatch(
          DeltaXdsRequest request,
          String requesterVersion,
          Map<String, String> resourceVersions,
          Set<String> pendingResources,
          boolean isWildcard,
          Consumer<DeltaResponse> responseConsumer,
          boolean hasClusterChanged) {
        var v3 = request.v3Request();
        Node node = remember(v3.hasNode(), v3.getNode());
        DeltaXdsRequest filled =
            v3.hasNode() || node == v3.getNode()
                ? request
                : DeltaXdsRequest.create(v3.toBuilder().setNode(node).build());
        return super.createDeltaWatch(
            filled,
            requesterVersion,
            resourceVersions,
            pendingResources,
            isWildcard,
            responseConsumer,
            hasClusterChanged);
      }
    };
  }

  /** Keeps a request's node, or returns the stream's for a request without one. */
  private static Node remember(boolean present, Node carried) {
    StreamNode stream = KEY.get();
    if (stream == null) {
      return carried; // outside a call this server's interceptor saw
    }
    if (present) {
      stream.node = carried;
      return carried;
    }
    return stream.node;
  }
}
