package io.cairn.xds.server;

import io.envoyproxy.controlplane.server.DiscoveryServerCallbacks;
import io.envoyproxy.envoy.config.core.v3.Node;
import io.envoyproxy.envoy.service.discovery.v3.DeltaDiscoveryRequest;
import io.envoyproxy.envoy.service.discovery.v3.DiscoveryRequest;
import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.micrometer.core.instrument.MeterRegistry;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Follows every xDS stream: which node it is, what it ACKed, what it rejected. A NACK is logged,
 * counted and kept for the admin API, and the stream's next request is held back with an
 * exponential backoff (100 ms doubling to 10 s, reset by an ACK): otherwise the library answers a
 * NACK at once with the same rejected configuration, in a tight loop.
 *
 * <p>A stream is forgotten when its gRPC call ends ({@link #interceptor()}), not only on the
 * library's close callbacks: it calls none for some calls, e.g. one whose client half-closed after
 * a request for an unknown type, which stayed listed as a connected proxy for good. Only then, once
 * the library has cancelled the stream's watches, is the node of an ended stream handed on, so that
 * what the cache keeps for it can be released.
 */
final class ProxyTracker implements DiscoveryServerCallbacks {
  private static final Logger log = LoggerFactory.getLogger(ProxyTracker.class);
  private static final Duration FIRST_BACKOFF = Duration.ofMillis(100);
  private static final Duration MAX_BACKOFF = Duration.ofSeconds(10);

  /** Mutable per-stream state; each stream's requests arrive one at a time. */
  private static final class Stream {
    volatile Node node = Node.getDefaultInstance();
    final Instant openedAt = Instant.now();
    final Map<String, String> acked = new ConcurrentHashMap<>();
    volatile Optional<ProxyStatus.Nack> lastNack = Optional.empty();
    volatile Duration backoff = Duration.ZERO;
  }

  /** Set while a call starts, to learn the stream id the library gives it in onStreamOpen. */
  private static final ThreadLocal<long[]> STARTING = new ThreadLocal<>();

  private final Map<Long, Stream> streams = new ConcurrentHashMap<>();
  private final MeterRegistry meters;
  private final Consumer<Node> ended;

  /**
   * @param ended told the node of each stream whose call has ended (the default node if it never
   *     sent one), after the library let go of the stream's watches
   */
  ProxyTracker(MeterRegistry meters, Consumer<Node> ended) {
    this.meters = meters;
    this.ended = ended;
    meters.gauge("cairn.xds.streams", streams, Map::size);
  }

  @Override
  public void onStreamOpen(long streamId, String typeUrl) {
    streams.put(streamId, new Stream());
    long[] starting = STARTING.get();
    if (starting != null) {
      starting[0] = streamId;
    }
  }

  /**
   * Forgets each stream when its call completes or is cancelled, however it ended. The library
   * opens the stream on the thread that starts the call, which is how the call learns its stream
   * id.
   */
  ServerInterceptor interceptor() {
    return new ServerInterceptor() {
      @Override
      public <Q, R> ServerCall.Listener<Q> interceptCall(
          ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
        long[] streamId = {-1};
        STARTING.set(streamId);
        ServerCall.Listener<Q> listener;
        try {
          listener = next.startCall(call, headers);
        } finally {
          STARTING.remove();
        }
        // The library's close callbacks may drop the stream first; its node is still needed here.
        Stream stream = streams.get(streamId[0]);
        return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
          @Override
          public void onComplete() {
            try {
              super.onComplete();
            } finally {
              forget();
            }
          }

          @Override
          public void onCancel() {
            try {
              super.onCancel();
            } finally {
              forget();
            }
          }

          private void forget() {
            streams.remove(streamId[0]);
            if (stream != null) {
              ended.accept(stream.node);
            }
          }
        };
      }
    };
  }

  @Override
  public void onStreamClose(long streamId, String typeUrl) {
    streams.remove(streamId);
  }

  @Override
  public void onStreamCloseWithError(long streamId, String typeUrl, Throwable error) {
    streams.remove(streamId);
  }

  @Override
  public void onV3StreamRequest(long streamId, DiscoveryRequest request) {
    onRequest(
        streamId,
        request.hasNode() ? Optional.of(request.getNode()) : Optional.empty(),
        request.getTypeUrl(),
        request.getResponseNonce(),
        request.hasErrorDetail()
            ? Optional.of(request.getErrorDetail().getMessage())
            : Optional.empty(),
        request.getVersionInfo());
  }

  @Override
  public void onV3StreamDeltaRequest(long streamId, DeltaDiscoveryRequest request) {
    // Delta has no version for a whole type: the ACKed nonce stands for it.
    onRequest(
        streamId,
        request.hasNode() ? Optional.of(request.getNode()) : Optional.empty(),
        request.getTypeUrl(),
        request.getResponseNonce(),
        request.hasErrorDetail()
            ? Optional.of(request.getErrorDetail().getMessage())
            : Optional.empty(),
        "nonce:" + request.getResponseNonce());
  }

  /** A request is the first of a stream, an ACK (a nonce and no error) or a NACK (an error). */
  private void onRequest(
      long streamId,
      Optional<Node> node,
      String typeUrl,
      String nonce,
      Optional<String> error,
      String ackedVersion) {
    Stream s = streams.get(streamId);
    if (s == null) {
      return; // the call has ended already
    }
    node.ifPresent(n -> s.node = n);
    if (error.isPresent()) {
      nack(s, typeUrl, nonce, error.get());
    } else if (!nonce.isEmpty()) {
      s.acked.put(typeUrl, ackedVersion);
      s.backoff = Duration.ZERO;
    }
  }

  private void nack(Stream s, String typeUrl, String nonce, String message) {
    s.lastNack = Optional.of(new ProxyStatus.Nack(typeUrl, nonce, message, Instant.now()));
    meters.counter("cairn.xds.nacks", "type", shortType(typeUrl)).increment();
    Duration backoff =
        s.backoff.isZero()
            ? FIRST_BACKOFF
            : s.backoff.multipliedBy(2).compareTo(MAX_BACKOFF) > 0
                ? MAX_BACKOFF
                : s.backoff.multipliedBy(2);
    s.backoff = backoff;
    log.atWarn()
        .addKeyValue("node", s.node.getId())
        .addKeyValue("type", shortType(typeUrl))
        .addKeyValue("backoff-ms", backoff.toMillis())
        .log("xDS client rejected configuration: {}", message);
    try {
      // This stream's requests are handled one at a time: waiting here delays only its retry.
      Thread.sleep(backoff);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static String shortType(String typeUrl) {
    return typeUrl.substring(typeUrl.lastIndexOf('.') + 1);
  }

  /** Connected nodes, ordered by id; a node with several streams is reported once. */
  List<ProxyStatus> proxies(java.util.function.Function<Node, String> kind) {
    Map<String, ProxyStatus> byNode = new java.util.TreeMap<>();
    for (Stream s : streams.values()) {
      String id = s.node.getId();
      ProxyStatus seen = byNode.get(id);
      Map<String, String> acked = new java.util.TreeMap<>(s.acked);
      Optional<ProxyStatus.Nack> nack = s.lastNack;
      int count = 1;
      Instant since = s.openedAt;
      if (seen != null) {
        acked.putAll(seen.acked());
        nack = latest(nack, seen.lastNack());
        count += seen.streams();
        since = since.isBefore(seen.connectedAt()) ? since : seen.connectedAt();
      }
      byNode.put(
          id,
          new ProxyStatus(id, s.node.getCluster(), kind.apply(s.node), count, since, acked, nack));
    }
    return List.copyOf(byNode.values());
  }

  private static Optional<ProxyStatus.Nack> latest(
      Optional<ProxyStatus.Nack> a, Optional<ProxyStatus.Nack> b) {
    return java.util.stream.Stream.concat(a.stream(), b.stream())
        .max(Comparator.comparing(ProxyStatus.Nack::at));
  }
}
