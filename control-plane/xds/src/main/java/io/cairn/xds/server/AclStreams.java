package io.cairn.xds.server;

import io.cairn.registry.acl.AclResolver;
import io.cairn.registry.acl.AclResolver.Resolution;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.ForwardingServerCall;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.net.SocketAddress;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.locks.ReentrantLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Takes each xDS call's token from its metadata ({@code x-consul-token}, or {@code authorization:
 * Bearer}), refuses an unknown one at once, and puts an {@link AclStream} into the call's {@link
 * Context}. Keeps the open calls, so that when ACLs change the ones whose rights changed can be
 * ended: the client reconnects and is served again under its new rights.
 */
final class AclStreams implements ServerInterceptor {
  private static final Logger log = LoggerFactory.getLogger(AclStreams.class);
  static final Metadata.Key<String> CONSUL_TOKEN =
      Metadata.Key.of("x-consul-token", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Status ACL_NOT_FOUND = Status.UNAUTHENTICATED.withDescription("ACL not found");
  static final Status ACL_CHANGED = Status.UNAVAILABLE.withDescription("ACL changed; reconnect");

  private final AclGate gate;
  private final Set<AclStream> open = ConcurrentHashMap.newKeySet();

  AclStreams(AclGate gate) {
    this.gate = gate;
  }

  /** Consul's order: {@code X-Consul-Token} first, then a bearer token. */
  static Optional<String> token(Metadata headers) {
    String consul = headers.get(CONSUL_TOKEN);
    if (consul != null && !consul.isBlank()) {
      return Optional.of(consul.strip());
    }
    return Optional.ofNullable(headers.get(AUTHORIZATION))
        .flatMap(AclResolver::bearer)
        .filter(bearer -> !bearer.isEmpty());
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Optional<String> secret = token(headers);
    AclStream.View first = gate.firstView(secret);
    if (first.resolution() instanceof Resolution.UnknownToken) {
      gate.denied(AclGate.UNKNOWN_TOKEN);
      SocketAddress remote = call.getAttributes().get(io.grpc.Grpc.TRANSPORT_ATTR_REMOTE_ADDR);
      log.atWarn()
          .addKeyValue("remote", remote)
          .log("xDS call refused: its token is not a known ACL token");
      call.close(ACL_NOT_FOUND, new Metadata());
      return new ServerCall.Listener<>() {};
    }
    EndableCall<Q, R> endable = new EndableCall<>(call);
    EndableListener<Q> guarded = new EndableListener<>();
    AclStream stream = new AclStream(secret, first, status -> end(endable, guarded, status));
    Context context = Context.current().withValue(AclStream.KEY, stream);
    guarded.start(
        Contexts.interceptCall(context, endable, headers, next), () -> open.remove(stream));
    // Listed once its listener exists: ending it needs that listener.
    open.add(stream);
    return guarded;
  }

  /**
   * After ACLs changed: ends every open call whose token now resolves differently (unknown, or
   * other rights), or that was served under other rights since the last review. A call whose rights
   * are the same keeps streaming.
   */
  void reviewAll() {
    int ended = 0;
    for (AclStream s : open) {
      if (s.mustEnd(gate.resolver().resolve(s.secret()))) {
        s.end(ACL_CHANGED);
        ended++;
      }
    }
    if (ended > 0) {
      log.atInfo()
          .addKeyValue("streams", ended)
          .log("ACLs changed: ended the xDS streams whose rights changed");
    }
  }

  /**
   * Closes the call with {@code status}. The library learns of no close it did not make itself, so
   * the call's end reaches it as a cancel ({@link EndableListener}), and it drops the stream's
   * watches.
   */
  private static <Q> void end(EndableCall<Q, ?> call, EndableListener<Q> listener, Status status) {
    listener.ending();
    call.close(status, new Metadata());
  }

  /** A call whose close may come from another thread than the library's sends; closes once. */
  private static final class EndableCall<Q, R>
      extends ForwardingServerCall.SimpleForwardingServerCall<Q, R> {
    private final ReentrantLock lock = new ReentrantLock();
    private boolean closed;

    EndableCall(ServerCall<Q, R> call) {
      super(call);
    }

    @Override
    public void sendHeaders(Metadata headers) {
      lock.lock();
      try {
        if (!closed) {
          super.sendHeaders(headers);
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void sendMessage(R message) {
      lock.lock();
      try {
        if (!closed) {
          super.sendMessage(message);
        }
      } finally {
        lock.unlock();
      }
    }

    @Override
    public void close(Status status, Metadata trailers) {
      lock.lock();
      try {
        if (!closed) {
          closed = true;
          super.close(status, trailers);
        }
      } finally {
        lock.unlock();
      }
    }
  }

  /**
   * Passes the call's events on (gRPC delivers them one at a time); once this server ends the call,
   * drops its messages and turns its completion into a cancel. Forgets the stream when the call
   * ends.
   */
  private static final class EndableListener<Q> extends ServerCall.Listener<Q> {
    private ServerCall.Listener<Q> delegate;
    private Runnable forget;
    private volatile boolean ending;

    /** Before any event: interceptCall sets it up, the call's events come after it returns. */
    void start(ServerCall.Listener<Q> delegate, Runnable forget) {
      this.delegate = delegate;
      this.forget = forget;
    }

    void ending() {
      ending = true;
    }

    @Override
    public void onMessage(Q message) {
      if (!ending) {
        delegate.onMessage(message);
      }
    }

    @Override
    public void onHalfClose() {
      if (!ending) {
        delegate.onHalfClose();
      }
    }

    @Override
    public void onReady() {
      delegate.onReady();
    }

    @Override
    public void onCancel() {
      try {
        delegate.onCancel();
      } finally {
        forget.run();
      }
    }

    @Override
    public void onComplete() {
      try {
        if (ending) {
          delegate.onCancel();
        } else {
          delegate.onComplete();
        }
      } finally {
        forget.run();
      }
    }
  }
}
