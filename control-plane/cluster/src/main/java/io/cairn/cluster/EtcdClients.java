package io.cairn.cluster;

import io.cairn.registry.StoreException;
import io.cairn.registry.StoreUnavailableException;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.etcd.jetcd.ClientBuilder;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import javax.net.ssl.SSLException;

/** Builds the jetcd client from {@link EtcdSettings}, and waits on its futures with a deadline. */
final class EtcdClients {
  private EtcdClients() {}

  static Client connect(EtcdSettings s) {
    ClientBuilder b =
        Client.builder()
            .endpoints(s.endpoints().toArray(java.net.URI[]::new))
            .connectTimeout(s.timeout())
            // Fail fast when no member answers, instead of queueing: the registry then rejects
            // writes with 503 at once and keeps serving reads.
            .waitForReady(false)
            .retryMaxDuration(s.timeout())
            .keepaliveTime(Duration.ofSeconds(10))
            .keepaliveTimeout(Duration.ofSeconds(5))
            .maxInboundMessageSize(64 << 20);
    if (s.username().isPresent()) {
      b.user(ByteSequence.from(s.username().get(), StandardCharsets.UTF_8))
          .password(ByteSequence.from(s.password().orElseThrow(), StandardCharsets.UTF_8));
    }
    if (s.caFile().isPresent() || s.certFile().isPresent()) {
      try {
        b.sslContext(
            ssl -> {
              s.caFile().ifPresent(ca -> ssl.trustManager(ca.toFile()));
              s.certFile()
                  .ifPresent(
                      cert -> ssl.keyManager(cert.toFile(), s.keyFile().orElseThrow().toFile()));
            });
      } catch (SSLException e) {
        throw new StoreException("cannot set up TLS to etcd: " + e.getMessage(), e);
      }
    }
    return b.build();
  }

  /**
   * The future's value within {@code timeout}. Timeouts and unreachable members become {@link
   * StoreUnavailableException}; other failures {@link StoreException}.
   */
  static <T> T await(CompletableFuture<T> future, Duration timeout, String what) {
    try {
      return future.get(timeout.toNanos(), TimeUnit.NANOSECONDS);
    } catch (TimeoutException e) {
      future.cancel(true);
      throw new StoreUnavailableException(
          "etcd did not answer " + what + " within " + timeout.toMillis() + " ms", e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new StoreUnavailableException("interrupted waiting for etcd (" + what + ")", e);
    } catch (ExecutionException e) {
      Throwable cause = e.getCause();
      if (unreachable(cause)) {
        throw new StoreUnavailableException(
            "etcd is unreachable (" + what + "): " + cause.getMessage(), cause);
      }
      throw new StoreException("etcd refused " + what + ": " + rootMessage(cause), cause);
    }
  }

  /** The innermost message: jetcd wraps the one that says what went wrong (bad password...). */
  private static String rootMessage(Throwable t) {
    String message = t.toString();
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c.getMessage() != null) {
        message = c.getMessage();
      }
    }
    return message;
  }

  private static boolean unreachable(Throwable t) {
    for (Throwable c = t; c != null; c = c.getCause()) {
      if (c instanceof StatusRuntimeException sre) {
        Status.Code code = sre.getStatus().getCode();
        return code == Status.Code.UNAVAILABLE
            || code == Status.Code.DEADLINE_EXCEEDED
            || code == Status.Code.CANCELLED;
      }
      if (c instanceof io.etcd.jetcd.common.exception.EtcdException ee) {
        var code = ee.getErrorCode();
        return code == io.etcd.jetcd.common.exception.ErrorCode.UNAVAILABLE
            || code == io.etcd.jetcd.common.exception.ErrorCode.DEADLINE_EXCEEDED
            || code == io.etcd.jetcd.common.exception.ErrorCode.CANCELLED;
      }
    }
    return false;
  }
}
