package io.cairn.xds.server;

import io.grpc.ForwardingServerCallListener;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Caps the xDS streams open at once: a call past the cap is closed at once with {@code
 * RESOURCE_EXHAUSTED}, before any other interceptor or the library sees it, and counted ({@code
 * cairn.xds.streams.refused}). Clients (Envoy, gRPC) retry with backoff.
 *
 * <p>One warning when refusing starts and one line with the count when it ends (once the open
 * streams have fallen a tenth below the cap), not a line per refused stream.
 */
final class StreamLimit implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(StreamLimit.class);

  private final int max;
  private final int resumeAt;
  private final AtomicInteger open = new AtomicInteger();
  // Refused since the incident began; 0 when not refusing.
  private final AtomicLong refusing = new AtomicLong();
  private final Counter refused;

  StreamLimit(int max, MeterRegistry meters) {
    this.max = max;
    this.resumeAt = max - Math.max(1, max / 10);
    this.refused =
        Counter.builder("cairn.xds.streams.refused")
            .description("xDS streams refused because xds.max-streams were open")
            .register(meters);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (open.incrementAndGet() > max) {
      open.decrementAndGet();
      refuse(call);
      return new ServerCall.Listener<>() {};
    }
    AtomicBoolean released = new AtomicBoolean();
    Runnable release =
        () -> {
          if (released.compareAndSet(false, true)) {
            released();
          }
        };
    ServerCall.Listener<Q> listener;
    try {
      listener = next.startCall(call, headers);
    } catch (RuntimeException e) {
      release.run();
      throw e;
    }
    return new ForwardingServerCallListener.SimpleForwardingServerCallListener<>(listener) {
      @Override
      public void onComplete() {
        try {
          super.onComplete();
        } finally {
          release.run();
        }
      }

      @Override
      public void onCancel() {
        try {
          super.onCancel();
        } finally {
          release.run();
        }
      }
    };
  }

  /** Streams open now. */
  int open() {
    return open.get();
  }

  private <Q, R> void refuse(ServerCall<Q, R> call) {
    refused.increment();
    if (refusing.getAndIncrement() == 0) {
      log.atWarn()
          .addKeyValue("max-streams", max)
          .log("xDS stream limit reached: refusing new streams (xds.max-streams)");
    }
    call.close(
        Status.RESOURCE_EXHAUSTED.withDescription(
            "too many xDS streams: this server's limit of "
                + max
                + " open streams (xds.max-streams) is reached; retry later"),
        new Metadata());
  }

  private void released() {
    int now = open.decrementAndGet();
    if (now <= resumeAt && refusing.get() > 0) {
      long count = refusing.getAndSet(0);
      if (count > 0) {
        log.atInfo()
            .addKeyValue("refused", count)
            .addKeyValue("open", now)
            .log("xDS streams accepted again after refusing some at the limit");
      }
    }
  }
}
