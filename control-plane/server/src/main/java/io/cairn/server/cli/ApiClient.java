package io.cairn.server.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import javax.net.ssl.SSLContext;

/**
 * HTTP calls to the admin API. The token goes in {@code X-Consul-Token} (what the server's write
 * guard reads); API errors become {@link ApiException}s with the server's words, failures to
 * connect {@link CliException}s with status 3. Safe to use from several threads.
 */
final class ApiClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final URI base;
  private final Optional<String> token;
  private final HttpClient http;

  ApiClient(URI base, Optional<String> token) {
    this(base, token, Optional.empty());
  }

  /**
   * @param tls for {@code https://}: the CAs to trust and the client certificate, if any
   */
  ApiClient(URI base, Optional<String> token, Optional<SSLContext> tls) {
    this.base = base;
    this.token = token;
    HttpClient.Builder b = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5));
    tls.ifPresent(b::sslContext);
    this.http = b.build();
  }

  static String encode(String s) {
    return URLEncoder.encode(s, StandardCharsets.UTF_8);
  }

  JsonNode get(String path) {
    return send("GET", path, null);
  }

  JsonNode put(String path, String body) {
    return send("PUT", path, body);
  }

  JsonNode delete(String path) {
    return send("DELETE", path, null);
  }

  /** PUT with a body of bytes (a KV value); the answer as JSON. */
  JsonNode putBytes(String path, byte[] body) {
    return decode(
        exchange(
            "PUT", path, HttpRequest.BodyPublishers.ofByteArray(body), Duration.ofSeconds(30)));
  }

  /**
   * GET whose answer is bytes (a raw KV value); empty for a 404, so callers can say what is
   * missing. {@code timeout} covers blocking queries.
   */
  Optional<byte[]> getBytes(String path, Duration timeout) {
    HttpResponse<byte[]> r = exchange("GET", path, HttpRequest.BodyPublishers.noBody(), timeout);
    if (r.statusCode() == 404) {
      return Optional.empty();
    }
    if (r.statusCode() / 100 != 2) {
      String text = new String(r.body(), StandardCharsets.UTF_8);
      throw error(r.statusCode(), parse(text), text);
    }
    return Optional.of(r.body());
  }

  /** A JSON answer and its {@code X-Consul-Index}, the index to block on next (0 if none). */
  record Indexed(JsonNode json, long index) {}

  /** GET as JSON with its index; {@code timeout} covers a blocking query's {@code wait}. */
  Indexed getIndexed(String path, Duration timeout) {
    HttpResponse<byte[]> r = exchange("GET", path, HttpRequest.BodyPublishers.noBody(), timeout);
    JsonNode json = decode(r);
    long index;
    try {
      index = Math.max(0, r.headers().firstValueAsLong("X-Consul-Index").orElse(0));
    } catch (NumberFormatException e) {
      index = 0; // not an index: the next read does not block
    }
    return new Indexed(json, index);
  }

  /** GET as JSON; empty for a 404 (a missing KV key answers 404 without a body). */
  Optional<JsonNode> find(String path) {
    HttpResponse<byte[]> r =
        exchange("GET", path, HttpRequest.BodyPublishers.noBody(), Duration.ofSeconds(30));
    return r.statusCode() == 404 ? Optional.empty() : Optional.of(decode(r));
  }

  private HttpResponse<byte[]> exchange(
      String method, String path, HttpRequest.BodyPublisher body, Duration timeout) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).method(method, body);
    token.ifPresent(t -> b.header("X-Consul-Token", t));
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
    } catch (ConnectException e) {
      throw new CliException(
          CliException.UNREACHABLE,
          "cannot reach Cairn at " + base + " (is `cairn server` running? set --http-addr)");
    } catch (IOException e) {
      throw new CliException(
          CliException.UNREACHABLE, "request to " + base + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(CliException.UNREACHABLE, "interrupted");
    }
  }

  private JsonNode send(String method, String path, String body) {
    return decode(
        exchange(
            method,
            path,
            body == null
                ? HttpRequest.BodyPublishers.noBody()
                : HttpRequest.BodyPublishers.ofString(body),
            Duration.ofSeconds(30)));
  }

  /** The answer as JSON, or the server's error. */
  private JsonNode decode(HttpResponse<byte[]> r) {
    String text = new String(r.body(), StandardCharsets.UTF_8);
    JsonNode json = parse(text);
    if (r.statusCode() / 100 != 2) {
      throw error(r.statusCode(), json, text);
    }
    return json;
  }

  private ApiException error(int status, JsonNode json, String body) {
    String message =
        json.hasNonNull("Error")
            ? json.get("Error").asText()
            : "HTTP " + status + (body.isBlank() ? "" : ": " + Table.shorten(body, 200));
    List<String> problems = new ArrayList<>();
    json.path("Problems").forEach(p -> problems.add(p.asText()));
    String hint =
        status != 403
            ? ""
            : token.isPresent()
                ? "hint: the token given (--token, CAIRN_HTTP_TOKEN or CONSUL_HTTP_TOKEN) was refused"
                : "hint: this server has ACLs on and needs a token: pass it with --token TOKEN"
                    + " or set CAIRN_HTTP_TOKEN";
    return new ApiException(status, message, problems, hint);
  }

  private static JsonNode parse(String body) {
    if (body.isBlank()) {
      return MAPPER.nullNode();
    }
    try {
      return MAPPER.readTree(body);
    } catch (IOException e) {
      return MAPPER.getNodeFactory().textNode(body);
    }
  }
}
