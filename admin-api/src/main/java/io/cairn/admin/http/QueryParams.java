package io.cairn.admin.http;

import io.helidon.webserver.http.ServerRequest;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;

/** Typed query parameters, with 400 for malformed values. */
public final class QueryParams {
  private QueryParams() {}

  public static Optional<String> string(ServerRequest req, String name) {
    return req.query().contains(name) ? Optional.of(req.query().get(name)) : Optional.empty();
  }

  /** The value, or 400 naming the missing parameter. */
  public static String required(ServerRequest req, String name) {
    return string(req, name)
        .filter(v -> !v.isEmpty())
        .orElseThrow(() -> ApiException.badRequest("missing query parameter '" + name + "'"));
  }

  public static List<String> all(ServerRequest req, String name) {
    return req.query().contains(name) ? req.query().all(name) : List.of();
  }

  /**
   * Consul's boolean flags: {@code ?passing}, {@code ?passing=true|1} set; {@code =false|0} not.
   */
  public static boolean flag(ServerRequest req, String name) {
    Optional<String> v = string(req, name);
    if (v.isEmpty()) {
      return false;
    }
    return switch (v.get().toLowerCase(java.util.Locale.ROOT)) {
      case "", "true", "1" -> true;
      case "false", "0" -> false;
      default ->
          throw ApiException.badRequest(
              "query parameter '" + name + "' must be true or false, was '" + v.get() + "'");
    };
  }

  public static OptionalLong nonNegativeLong(ServerRequest req, String name) {
    Optional<String> v = string(req, name);
    if (v.isEmpty() || v.get().isEmpty()) {
      return OptionalLong.empty();
    }
    try {
      long n = Long.parseLong(v.get());
      if (n >= 0) {
        return OptionalLong.of(n);
      }
    } catch (NumberFormatException e) {
      // reported below
    }
    throw ApiException.badRequest(
        "query parameter '" + name + "' must be a non-negative integer, was '" + v.get() + "'");
  }
}
