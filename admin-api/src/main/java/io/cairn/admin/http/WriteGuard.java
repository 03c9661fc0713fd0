package io.cairn.admin.http;

import io.helidon.http.HeaderNames;
import io.helidon.http.Method;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.List;
import java.util.Optional;

/**
 * ACLs for writes: when a token is configured, every PUT, POST and DELETE must carry it in {@code
 * X-Consul-Token}, {@code Authorization: Bearer} or {@code ?token=}, as Consul clients send it.
 * Reads stay open.
 */
public final class WriteGuard implements Filter {
  private final byte[] token;

  public WriteGuard(String token) {
    this.token = token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    Method method = req.prologue().method();
    boolean write = method == Method.PUT || method == Method.POST || method == Method.DELETE;
    if (!write || presented(req).map(this::matches).orElse(false)) {
      chain.proceed();
      return;
    }
    ErrorResponses.send(
        res,
        403,
        "Permission denied: this Cairn requires an ACL token for writes"
            + " (X-Consul-Token header, Authorization: Bearer, or ?token=)",
        List.of());
  }

  private static Optional<String> presented(RoutingRequest req) {
    Optional<String> header = req.headers().first(HeaderNames.create("X-Consul-Token"));
    if (header.isPresent()) {
      return header;
    }
    Optional<String> bearer =
        req.headers()
            .first(HeaderNames.AUTHORIZATION)
            .filter(v -> v.regionMatches(true, 0, "Bearer ", 0, 7))
            .map(v -> v.substring(7).strip());
    if (bearer.isPresent()) {
      return bearer;
    }
    return req.query().contains("token") ? Optional.of(req.query().get("token")) : Optional.empty();
  }

  private boolean matches(String presented) {
    // Constant time, so the token cannot be guessed byte by byte from response times.
    return MessageDigest.isEqual(token, presented.getBytes(StandardCharsets.UTF_8));
  }
}
