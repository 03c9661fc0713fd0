package io.cairn.admin.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;
import java.util.Objects;

/**
 * The scope a request names: {@code ?dc=}, {@code ?ns=}, {@code ?partition=}. Cairn serves one
 * datacenter, the default namespace and the default partition, and answers a request for another as
 * Consul does (another datacenter: 500 {@code No path to datacenter}; a namespace or partition:
 * Consul CE's 400) instead of with this scope's data, which a client would take for the other's.
 */
public final class ScopeFilter implements Filter {
  private static final List<String[]> TENANCY =
      List.of(new String[] {"ns", "Namespaces"}, new String[] {"partition", "Partitions"});

  private final String datacenter;

  public ScopeFilter(String datacenter) {
    this.datacenter = Objects.requireNonNull(datacenter, "datacenter");
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    String dc = param(req, "dc");
    if (!dc.isEmpty() && !dc.equals(datacenter)) {
      ErrorResponses.send(
          res,
          500,
          "No path to datacenter",
          List.of("dc: '" + dc + "' is not this datacenter ('" + datacenter + "')"));
      return;
    }
    for (String[] tenancy : TENANCY) {
      String value = param(req, tenancy[0]);
      if (!value.isEmpty() && !value.equals("default")) {
        ErrorResponses.send(
            res,
            400,
            "Invalid query parameter: \"" + tenancy[0] + "\"",
            List.of(
                tenancy[0]
                    + ": "
                    + tenancy[1]
                    + " are a Consul Enterprise feature; only 'default' exists, was '"
                    + value
                    + "'"));
        return;
      }
    }
    chain.proceed();
  }

  private static String param(RoutingRequest req, String name) {
    return req.query().contains(name) ? req.query().get(name) : "";
  }
}
