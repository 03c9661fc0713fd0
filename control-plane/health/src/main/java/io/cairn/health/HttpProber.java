package io.cairn.health;

import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HttpCheck;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.HttpTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

/**
 * HTTP checks with the JDK's client: 2xx is passing, 429 (Too Many Requests) warning, anything
 * else, a timeout or a connection failure critical. Only the first {@link HealthCheck#MAX_OUTPUT}
 * bytes of a body are read. Connections are kept alive between probes of the same target, so a
 * probe usually costs one request, not a handshake.
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

  ProbeResult probe(HttpCheck check) {
    String what = "HTTP " + check.method() + " " + check.url();
    HttpRequest request = request(check);
    HttpClient client = client(check);
    try {
      HttpResponse<InputStream> response =
          client.send(request, HttpResponse.BodyHandlers.ofInputStream());
      String body;
      try (InputStream in = response.body()) {
        body = new String(in.readNBytes(HealthCheck.MAX_OUTPUT), StandardCharsets.UTF_8);
      }
      int code = response.statusCode();
      String output = what + ": " + code + " Output: " + body;
      if (code >= 200 && code < 300) {
        return ProbeResult.passing(output);
      }
      return code == 429 ? ProbeResult.warning(output) : ProbeResult.critical(output);
    } catch (HttpTimeoutException e) {
      return ProbeResult.critical(what + ": timed out after " + check.timeout().toMillis() + "ms");
    } catch (ConnectException e) {
      return ProbeResult.critical(what + ": connection refused");
    } catch (IOException e) {
      return ProbeResult.critical(what + ": " + describe(e));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return ProbeResult.critical(what + ": interrupted");
    }
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
