package io.cairn.demo;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.ClientInterceptor;
import io.grpc.ClientInterceptors;
import io.grpc.ForwardingClientCall;
import io.grpc.ForwardingClientCallListener;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.xds.XdsChannelCredentials;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SSLSession;

/**
 * A proxyless client that opts in to mTLS: grpc-java's xDS resolver with {@code
 * XdsChannelCredentials}, so the TLS settings Cairn sends on a Connect-native destination's cluster
 * (the bootstrap's certificate provider, the destination's SPIFFE ID to check) secure its
 * connections. Each call reports the certificate the server presented. The bootstrap is grpc-java's
 * own: {@code GRPC_XDS_BOOTSTRAP}.
 */
final class MeshClient implements AutoCloseable {
  /** How a call ended: its status, the reply (or the status's description) and the server. */
  record Outcome(Status.Code code, String text, Optional<TlsPeer> server) {
    boolean ok() {
      return code == Status.Code.OK;
    }

    /** {@code OK: <reply>} or {@code PERMISSION_DENIED: <description>}. */
    String describe() {
      return code + (text.isEmpty() ? "" : ": " + text);
    }
  }

  private final String target;
  private final ManagedChannel channel;

  MeshClient(String target) {
    this.target = target;
    this.channel = channel(target);
  }

  private static ManagedChannel channel(String target) {
    return Grpc.newChannelBuilder(
            target, XdsChannelCredentials.create(InsecureChannelCredentials.create()))
        .build();
  }

  String target() {
    return target;
  }

  /** One call on the client's channel (its connections are kept between calls). */
  Outcome call(Duration deadline) {
    return call(channel, deadline);
  }

  /** One call on a channel of its own: a new connection, so a new TLS handshake. */
  Outcome callOnNewConnection(Duration deadline) throws InterruptedException {
    ManagedChannel fresh = channel(target);
    try {
      return call(fresh, deadline);
    } finally {
      fresh.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static Outcome call(Channel channel, Duration deadline) {
    AtomicReference<SSLSession> session = new AtomicReference<>();
    Channel watched = ClientInterceptors.intercept(channel, new SessionOf(session));
    try {
      String reply =
          ClientCalls.blockingUnaryCall(
              watched,
              Who.AM,
              CallOptions.DEFAULT
                  .withWaitForReady()
                  .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS),
              "who?");
      return new Outcome(Status.Code.OK, reply, TlsPeer.of(session.get()));
    } catch (StatusRuntimeException e) {
      Status status = e.getStatus();
      return new Outcome(
          status.getCode(),
          status.getDescription() == null ? "" : status.getDescription(),
          TlsPeer.of(session.get()));
    }
  }

  @Override
  public void close() throws InterruptedException {
    channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
  }

  /** Keeps the TLS session of a call's connection, once its response (or its end) arrives. */
  private record SessionOf(AtomicReference<SSLSession> session) implements ClientInterceptor {
    @Override
    public <Q, A> ClientCall<Q, A> interceptCall(
        MethodDescriptor<Q, A> method, CallOptions options, Channel next) {
      ClientCall<Q, A> call = next.newCall(method, options);
      return new ForwardingClientCall.SimpleForwardingClientCall<>(call) {
        @Override
        public void start(Listener<A> listener, Metadata headers) {
          super.start(
              new ForwardingClientCallListener.SimpleForwardingClientCallListener<>(listener) {
                @Override
                public void onHeaders(Metadata headers) {
                  keep();
                  super.onHeaders(headers);
                }

                @Override
                public void onClose(Status status, Metadata trailers) {
                  keep();
                  super.onClose(status, trailers);
                }
              },
              headers);
        }

        private void keep() {
          SSLSession now = call.getAttributes().get(Grpc.TRANSPORT_ATTR_SSL_SESSION);
          if (now != null) {
            session.set(now);
          }
        }
      };
    }
  }
}
