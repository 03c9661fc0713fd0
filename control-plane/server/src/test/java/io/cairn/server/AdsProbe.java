package io.cairn.server;

import com.google.protobuf.InvalidProtocolBufferException;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.ManagedChannel;
import io.grpc.ManagedChannelBuilder;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;

/**
 * A proxyless-style xDS client over a real gRPC connection: one ADS stream asking for the endpoints
 * of one cluster, ACKing every response, keeping what it received.
 */
final class AdsProbe implements AutoCloseable {
  static final String EDS = "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

  /** One EDS response: its version and the cluster's assignment, with when it arrived. */
  record Eds(String version, ClusterLoadAssignment assignment, long receivedNanos) {}

  private final ManagedChannel channel;
  private final StreamObserver<DiscoveryRequest> requests;
  private final LinkedBlockingQueue<Eds> received = new LinkedBlockingQueue<>();
  private final Node node;
  private final String cluster;
  private final CompletableFuture<Status> ended = new CompletableFuture<>();
  private volatile String nackReason = "";
  private String lastAcked = ""; // guarded by this

  AdsProbe(int port, String nodeId, String cluster) {
    this(port, nodeId, cluster, "");
  }

  /** As above, presenting {@code token} in {@code x-consul-token} unless it is empty. */
  AdsProbe(int port, String nodeId, String cluster, String token) {
    Metadata headers = new Metadata();
    if (!token.isEmpty()) {
      headers.put(Metadata.Key.of("x-consul-token", Metadata.ASCII_STRING_MARSHALLER), token);
    }
    this.channel =
        ManagedChannelBuilder.forAddress("127.0.0.1", port)
            .usePlaintext()
            .intercept(MetadataUtils.newAttachHeadersInterceptor(headers))
            .build();
    this.node = Node.newBuilder().setId(nodeId).build();
    this.cluster = cluster;
    this.requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .streamAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DiscoveryResponse r) {
                    long now = System.nanoTime();
                    for (var any : r.getResourcesList()) {
                      try {
                        received.add(
                            new Eds(
                                r.getVersionInfo(), any.unpack(ClusterLoadAssignment.class), now));
                      } catch (InvalidProtocolBufferException e) {
                        throw new IllegalStateException(e);
                      }
                    }
                    ack(r);
                  }

                  @Override
                  public void onError(Throwable t) {
                    ended.complete(Status.fromThrowable(t));
                  }

                  @Override
                  public void onCompleted() {}
                });
    requests.onNext(request("", ""));
  }

  private DiscoveryRequest request(String version, String nonce) {
    return DiscoveryRequest.newBuilder()
        .setNode(node)
        .setTypeUrl(EDS)
        .addResourceNames(cluster)
        .setVersionInfo(version)
        .setResponseNonce(nonce)
        .build();
  }

  private synchronized void ack(DiscoveryResponse r) {
    if (!nackReason.isEmpty()) {
      // A NACK keeps the last accepted version and says why, as Envoy does.
      requests.onNext(
          request(lastAcked, r.getNonce()).toBuilder()
              .setErrorDetail(com.google.rpc.Status.newBuilder().setCode(3).setMessage(nackReason))
              .build());
      nackReason = "";
      return;
    }
    lastAcked = r.getVersionInfo();
    requests.onNext(request(r.getVersionInfo(), r.getNonce()));
  }

  /** The version of the last response ACKed (empty before the first). */
  synchronized String lastAcked() {
    return lastAcked;
  }

  /** Rejects the next response with {@code reason} instead of ACKing it. */
  void nackNext(String reason) {
    nackReason = reason;
  }

  /** The first response (received so far or within {@code timeout}) that matches. */
  Eds await(Predicate<Eds> matches, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    List<Eds> seen = new java.util.ArrayList<>();
    while (true) {
      long left = deadline - System.nanoTime();
      Eds e = received.poll(Math.max(0, left), TimeUnit.NANOSECONDS);
      if (e == null) {
        throw new AssertionError("no matching EDS response within " + timeout + "; got " + seen);
      }
      seen.add(e);
      if (matches.test(e)) {
        return e;
      }
    }
  }

  /** The status the server ended the stream with, waiting up to {@code timeout} for it. */
  Status endedWith(Duration timeout) throws Exception {
    return ended.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** Whether the assignment has an endpoint at {@code address:port}. */
  static boolean has(Eds e, String address, int port) {
    return e.assignment().getEndpointsList().stream()
        .flatMap(l -> l.getLbEndpointsList().stream())
        .map(lb -> lb.getEndpoint().getAddress().getSocketAddress())
        .anyMatch(a -> a.getAddress().equals(address) && a.getPortValue() == port);
  }

  @Override
  public void close() {
    requests.onCompleted();
    channel.shutdownNow();
  }
}
