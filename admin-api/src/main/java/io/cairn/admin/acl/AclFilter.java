package io.cairn.admin.acl;

import io.cairn.admin.http.ErrorResponses;
import io.cairn.registry.acl.AclResolver;
import io.helidon.http.Header;
import io.helidon.http.HeaderName;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;
import java.util.Optional;

/**
 * Resolves the token of every request once, from {@code X-Consul-Token}, {@code Authorization:
 * Bearer} or {@code ?token=} (Consul's order), and leaves a {@link RequestAcl} for the handlers. A
 * secret no token has gets Consul's 403 "ACL not found" before any handler runs. Responses carry
 * {@code X-Consul-Default-ACL-Policy}, as Consul's do.
 */
public final class AclFilter implements Filter {
  // Made once: a name or header made per request costs a lower-casing, a hash and an allocation on
  // the hot read path.
  private static final HeaderName TOKEN = HeaderNames.create("X-Consul-Token");

  private final AclResolver resolver;
  private final Header defaultPolicy;

  public AclFilter(AclResolver resolver) {
    this.resolver = resolver;
    this.defaultPolicy =
        HeaderValues.createCached(
            "X-Consul-Default-ACL-Policy", resolver.settings().defaultPolicy().text());
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    res.header(defaultPolicy);
    switch (resolver.resolve(presented(req))) {
      case AclResolver.Resolution.Granted g -> {
        req.context().register(new RequestAcl(g.authorizer(), g.accessorId()));
        chain.proceed();
      }
      case AclResolver.Resolution.UnknownToken u ->
          ErrorResponses.send(res, 403, "ACL not found", List.of());
    }
  }

  /** The token a request presents, if any. */
  public static Optional<String> presented(RoutingRequest req) {
    Optional<String> header = req.headers().first(TOKEN);
    if (header.isPresent() && !header.get().isBlank()) {
      return header;
    }
    Optional<String> bearer =
        req.headers().first(HeaderNames.AUTHORIZATION).flatMap(AclResolver::bearer);
    if (bearer.isPresent()) {
      return bearer;
    }
    return req.query().contains("token") ? Optional.of(req.query().get("token")) : Optional.empty();
  }
}
