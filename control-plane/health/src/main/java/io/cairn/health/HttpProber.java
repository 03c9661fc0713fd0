package io.cairn.health;

import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HttpCheck;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CancellationException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * HTTP checks with the JDK's client: 2xx is passing, 429 (Too Many Requests) warning, anything
 * else, a timeout or a connection failure critical. The check's timeout bounds the whole exchange,
 * body included; only the first {@link HealthCheck#MAX_OUTPUT} bytes of a body are read.
 * Connections are kept alive between probes of the same target, so a probe usually costs one
 * request, not a handshake.
 */
final class HttpProber {
  private final ExecutorService executor = Executors.newVirtualThreadPerTaskExecutor();
  // Made on first use: a client (and TLS set-up) costs start-up time a server without HTTP checks
  // need not pay.
  private HttpClient verifying;
  private HttpClient skipVerify;

  private synchronized HttpClient client(HttpCheck check) {
    if (check.tlsSkipVerify()) {
      if (skipVerify == null) {
        skipVerify = client(true);
      }
      return skipVerify;
    }
    if (verifying == null) {
      verifying = client(false);
    }
    return verifying;
  }

  private HttpClient client(boolean insecure) {
    HttpClient.Builder b =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NORMAL)
            .executor(executor);
    if (insecure) {
      b.sslContext(InsecureTrust.sslContext());
    }
    return b.build();
  }

  /**
   * One request whose timeout covers the whole exchange: connect, headers and the body read. The
   * client's own request timeout stops at the headers, so the body has its deadline here; a probe
   * past it is cancelled, which closes its connection, so a target that stalls or trickles its body
   * holds neither a connection nor a probe slot beyond the timeout.
   */
  ProbeResult probe(HttpCheck check) {
    String what = "HTTP " + check.method() + " " + check.url();
    long deadline = System.nanoTime() + check.timeout().toNanos();
    HttpRequest request = request(check);
    HttpClient client = client(check);
    LimitedBody body = new LimitedBody(HealthCheck.MAX_OUTPUT);
    CompletableFuture<HttpResponse<byte[]>> exchange;
    try {
      exchange = client.sendAsync(request, info -> body);
    } catch (IllegalArgumentException e) {
      return ProbeResult.critical(what + ": " + describe(e));
    }
    try {
      HttpResponse<byte[]> response =
          exchange.get(Math.max(0, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      int code = response.statusCode();
      String output =
          what + ": " + code + " Output: " + new String(response.body(), StandardCharsets.UTF_8);
      if (code >= 200 && code < 300) {
        return ProbeResult.passing(output);
      }
      return code == 429 ? ProbeResult.warning(output) : ProbeResult.critical(output);
    } catch (TimeoutException e) {
      abandon(exchange, body);
      return timedOut(what, check);
    } catch (ExecutionException e) {
      abandon(exchange, body);
      Throwable cause = e.getCause() == null ? e : e.getCause();
      return switch (cause) {
        case HttpTimeoutException t -> timedOut(what, check);
        case ConnectException c -> ProbeResult.critical(what + ": connection refused");
        case Throwable t -> ProbeResult.critical(what + ": " + describe(t));
      };
    } catch (CancellationException e) {
      return ProbeResult.critical(what + ": cancelled");
    } catch (InterruptedException e) {
      abandon(exchange, body);
      Thread.currentThread().interrupt();
      return ProbeResult.critical(what + ": interrupted");
    }
  }

  private static ProbeResult timedOut(String what, HttpCheck check) {
    return ProbeResult.critical(what + ": timed out after " + check.timeout().toMillis() + "ms");
  }

  /** Cancels the exchange wherever it is: before the headers, or reading the body. */
  private static void abandon(CompletableFuture<?> exchange, LimitedBody body) {
    exchange.cancel(true);
    body.cancel();
  }

  private static HttpRequest request(HttpCheck check) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(check.url())
            .timeout(check.timeout())
            .method(
                check.method(),
                check.body().isEmpty()
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(check.body()));
    // Consul's defaults, so apps that log or route on them see what they would from Consul.
    if (!hasHeader(check, "User-Agent")) {
      b.header("User-Agent", "Cairn Health Check");
    }
    if (!hasHeader(check, "Accept")) {
      b.header("Accept", "text/plain, text/*, */*");
    }
    for (Map.Entry<String, List<String>> header : check.headers().entrySet()) {
      for (String value : header.getValue()) {
        b.header(header.getKey(), value);
      }
    }
    return b.build();
  }

  private static boolean hasHeader(HttpCheck check, String name) {
    return check.headers().keySet().stream().anyMatch(name::equalsIgnoreCase);
  }

  static String describe(Throwable e) {
    String message = e.getMessage();
    return message == null || message.isBlank() ? e.getClass().getSimpleName() : message;
  }

  synchronized void close() {
    if (verifying != null) {
      verifying.close();
    }
    if (skipVerify != null) {
      skipVerify.close();
    }
    executor.shutdownNow();
  }
}
