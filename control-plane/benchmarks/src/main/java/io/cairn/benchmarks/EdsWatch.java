package io.cairn.benchmarks;

import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment;
import io.envoyproxy.envoy.service.discovery.v3.AggregatedDiscoveryServiceGrpc;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryResponse;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * A proxyless-style xDS client (node id not "envoy"): one state-of-the-world ADS stream watching
 * one service's ClusterLoadAssignment and ACKing every response with its version and nonce. It
 * notes when an awaited endpoint first arrives, for the delay from a registration elsewhere to the
 * push here.
 */
final class EdsWatch implements AutoCloseable {
  private static final String EDS =
      "type.googleapis.com/envoy.config.endpoint.v3.ClusterLoadAssignment";

  private final ManagedChannel channel;
  private final Node node;
  private final String service;

  /** gRPC stream observers are not thread-safe: written only under this object's lock. */
  private final StreamObserver<DiscoveryRequest> requests;

  /** {@code address:port} of every endpoint in the latest assignment. */
  private volatile Set<String> latest = Set.of();

  private volatile int responses;
  private volatile boolean closed;
  private volatile String awaited = "";
  private volatile long seenAt;
  private volatile CountDownLatch seen = new CountDownLatch(0);

  EdsWatch(int xdsPort, String nodeId, String service) {
    this.channel =
        Grpc.newChannelBuilderForAddress("127.0.0.1", xdsPort, InsecureChannelCredentials.create())
            .build();
    this.node = Node.newBuilder().setId(nodeId).setCluster("cairn-bench").build();
    this.service = service;
    this.requests =
        AggregatedDiscoveryServiceGrpc.newStub(channel)
            .streamAggregatedResources(
                new StreamObserver<>() {
                  @Override
                  public void onNext(DiscoveryResponse r) {
                    onResponse(r, System.nanoTime());
                  }

                  @Override
                  public void onError(Throwable t) {
                    if (!closed) {
                      System.err.println("xDS stream on port " + xdsPort + " failed: " + t);
                    }
                  }

                  @Override
                  public void onCompleted() {}
                });
    send("", "");
  }

  private void onResponse(DiscoveryResponse r, long now) {
    for (var any : r.getResourcesList()) {
      ClusterLoadAssignment cla;
      try {
        cla = any.unpack(ClusterLoadAssignment.class);
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
      if (!cla.getClusterName().equals(service)) {
        continue;
      }
      Set<String> endpoints =
          cla.getEndpointsList().stream()
              .flatMap(l -> l.getLbEndpointsList().stream())
              .map(lb -> lb.getEndpoint().getAddress().getSocketAddress())
              .map(a -> a.getAddress() + ":" + a.getPortValue())
              .collect(Collectors.toUnmodifiableSet());
      latest = endpoints;
      if (endpoints.contains(awaited) && seenAt == 0) {
        seenAt = now;
        seen.countDown();
      }
    }
    responses++;
    send(r.getVersionInfo(), r.getNonce());
  }

  private synchronized void send(String version, String nonce) {
    requests.onNext(
        DiscoveryRequest.newBuilder()
            .setNode(node)
            .setTypeUrl(EDS)
            .addResourceNames(service)
            .setVersionInfo(version)
            .setResponseNonce(nonce)
            .build());
  }

  /** Responses received so far. */
  int responses() {
    return responses;
  }

  /** Starts waiting for {@code endpoint} ({@code address:port}); call before registering it. */
  void arm(String endpoint) {
    seenAt = 0;
    seen = new CountDownLatch(1);
    awaited = endpoint;
  }

  /** When the armed endpoint first arrived ({@link System#nanoTime()}). */
  long awaitArmed(Duration timeout) throws InterruptedException {
    if (!seen.await(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new IllegalStateException(
          "xDS: " + awaited + " not pushed within " + timeout + "; latest " + latest);
    }
    return seenAt;
  }

  /** Waits until the latest assignment no longer holds {@code endpoint}. */
  void awaitGone(String endpoint, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (latest.contains(endpoint)) {
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException("xDS: " + endpoint + " still there after " + timeout);
      }
      Thread.sleep(1);
    }
  }

  @Override
  public void close() {
    closed = true;
    synchronized (this) {
      requests.onCompleted();
    }
    channel.shutdownNow();
  }
}
