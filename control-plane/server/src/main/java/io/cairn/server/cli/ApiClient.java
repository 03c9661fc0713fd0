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
import java.util.Optional;

/** HTTP calls to the admin API; API errors become {@link CliException}s with the server's words. */
final class ApiClient {
  private static final ObjectMapper MAPPER = new ObjectMapper();
  private final URI base;
  private final Optional<String> token;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  ApiClient(URI base, Optional<String> token) {
    this.base = base;
    this.token = token;
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

  private JsonNode send(String method, String path, String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(30))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    token.ifPresent(t -> b.header("X-Consul-Token", t));
    HttpResponse<String> r;
    try {
      r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (ConnectException e) {
      throw new CliException(3, "cannot reach Cairn at " + base + " (is `cairn server` running?)");
    } catch (IOException e) {
      throw new CliException(3, "request to " + base + " failed: " + e.getMessage());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new CliException(3, "interrupted");
    }
    JsonNode json = parse(r.body());
    if (r.statusCode() / 100 != 2) {
      StringBuilder message =
          new StringBuilder(
              json.has("Error")
                  ? json.get("Error").asText()
                  : "HTTP " + r.statusCode() + ": " + r.body());
      json.path("Problems").forEach(p -> message.append("\n  - ").append(p.asText()));
      throw new CliException(1, message.toString());
    }
    return json;
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
