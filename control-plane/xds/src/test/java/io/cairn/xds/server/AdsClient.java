package io.cairn.xds.server;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * A state-of-the-world ADS client shaped like an Envoy sidecar: one stream, subscriptions by type,
 * and every response ACKed with its version and nonce, as Envoy does. It may present an ACL token
 * in its metadata, and keeps the status its stream ended with.
 */
final class AdsClient implements AutoCloseable {
  static final String CLUSTER = "type.googleapis.com/envoy.config.cluster.v3.Cluster";
  static final String ENDPOINT =
      "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";
  static final String LISTENER = "type.googleapis.com/envoy.config.listener.v3.Listener";
  static final String ROUTE = "type.googleapis.com/envoy.config.route.v3.RouteConfiguration";
  static final String SECRET =
      "type.googleapis.com/envoy.extensions.transport_sockets.tls.v3.Secret";

  private final ManagedChannel channel;
  private final Node node;
  private final StreamObserver<DiscoveryRequest> requests;
  private final LinkedBlockingQueue<DiscoveryResponse> responses = new LinkedBlockingQueue<>();
  // Every response's type, in order, whether or not a test took it from the queue.
  private final List<String> received = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final Map<String, List<String>> subscribed = new ConcurrentHashMap<>();
  private final CompletableFuture<Status> ended = new CompletableFuture<>();

  AdsClient(int port, String nodeId, String cluster) {
    this(
        port,
        Node.newBuilder().setId(nodeId).setCluster(cluster).setUserAgentName("envoy").build(),
        Optional.empty());
  }

  /**
   * @param token sent as {@code x-consul-token}
   */
  AdsClient(int port, Node node, Optional<String> token) {
    channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", port, InsecureChannelCredentials.create())
            .build();
    this.node = node;
    Metadata headers = new Metadata();
    token.ifPresent(
        t -> headers.put(Metadata.Key.of("x-consul-token", Metadata.ASCII_STRING_MARSHALLER), t));
    requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(headers))
            .streamAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DiscoveryResponse response) {
                    // ACK at once, like Envoy, so the server's next push can follow.
                    send(request(response.getTypeUrl(), response));
                    received.add(response.getTypeUrl());
                    responses.add(response);
                  }

                  @Override
                  public void onError(Throwable t) {
                    ended.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {
                    ended.complete(Status.OK);
                  }
                });
  }

  /** How many responses of a type arrived so far, read or not. */
  long received(String typeUrl) {
    return received.stream().filter(typeUrl::equals).count();
  }

  /** Subscribes to {@code names} of a type (none: every resource, a wildcard). */
  void subscribe(String typeUrl, String... names) {
    subscribeFrom("", typeUrl, names);
  }

  /**
   * Subscribes as a client that already holds {@code version} of the type, as Envoy does on a new
   * stream after losing one.
   */
  void subscribeFrom(String version, String typeUrl, String... names) {
    subscribed.put(typeUrl, List.of(names));
    send(
        DiscoveryRequest.newBuilder()
            .setNode(node)
            .setTypeUrl(typeUrl)
            .setVersionInfo(version)
            .addAllResourceNames(List.of(names))
            .build());
  }

  /**
   * Subscribes with a request that names no node, as clients that send it on a stream's first
   * request only do (grpc-js; Envoy with {@code set_node_on_first_message_only}).
   */
  void subscribeWithoutNode(String typeUrl, String... names) {
    subscribed.put(typeUrl, List.of(names));
    send(
        DiscoveryRequest.newBuilder()
            .setTypeUrl(typeUrl)
            .addAllResourceNames(List.of(names))
            .build());
  }

  /** The status the server ended the stream with, failing if it does not within {@code timeout}. */
  Status ended(Duration timeout) throws Exception {
    return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean isOpen() {
    return !ended.isDone();
  }

  private synchronized void send(DiscoveryRequest request) {
    if (!ended.isDone()) {
      requests.onNext(request);
    }
  }

  private DiscoveryRequest request(String typeUrl, DiscoveryResponse acked) {
    return DiscoveryRequest.newBuilder()
        .setNode(node)
        .setTypeUrl(typeUrl)
        .addAllResourceNames(subscribed.getOrDefault(typeUrl, List.of()))
        .setVersionInfo(acked.getVersionInfo())
        .setResponseNonce(acked.getNonce())
        .build();
  }

  /** The next response of a type, skipping others; empty if none comes in time. */
  java.util.Optional<DiscoveryResponse> next(String typeUrl, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      DiscoveryResponse r = left > 0 ? responses.poll(left, TimeUnit.NANOSECONDS) : null;
      if (r == null) {
        return java.util.Optional.empty();
      }
      if (r.getTypeUrl().equals(typeUrl)) {
        return java.util.Optional.of(r);
      }
    }
  }

  /** The first response of a type that satisfies {@code test}, failing after {@code timeout}. */
  DiscoveryResponse await(
      String typeUrl, java.util.function.Predicate<DiscoveryResponse> test, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    DiscoveryResponse last = null;
    while (System.nanoTime() < deadline) {
      java.util.Optional<DiscoveryResponse> r =
          next(typeUrl, Duration.ofNanos(Math.max(1, deadline - System.nanoTime())));
      if (r.isPresent() && test.test(r.get())) {
        return r.get();
      }
      last = r.orElse(last);
    }
    throw new AssertionError("no matching " + typeUrl + " in " + timeout + "; last: " + last);
  }

  @Override
  public void close() throws InterruptedException {
    synchronized (this) {
      if (!ended.isDone()) {
        requests.onCompleted();
      }
    }
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }
}
