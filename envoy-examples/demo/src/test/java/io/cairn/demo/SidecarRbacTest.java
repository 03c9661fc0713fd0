package io.cairn.demo;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Any;
import com.google.protobuf.UInt32Value;
import io.envoyproxy.envoy.config.core.v3.CidrRange;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.rbac.v3.Permission;
import io.envoyproxy.envoy.config.rbac.v3.Policy;
import io.envoyproxy.envoy.config.rbac.v3.Principal;
import io.envoyproxy.envoy.config.rbac.v3.RBAC;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpFilter;
import io.envoyproxy.envoy.type.matcher.v3.RegexMatcher;
import io.envoyproxy.envoy.type.matcher.v3.StringMatcher;
import java.util.List;
import org.junit.jupiter.api.Test;

class SidecarRbacTest {
  private static Principal ip(String address) {
    return Principal.newBuilder()
        .setDirectRemoteIp(
            CidrRange.newBuilder().setAddressPrefix(address).setPrefixLen(UInt32Value.of(32)))
        .build();
  }

  private static final Principal ANY = Principal.newBuilder().setAny(true).build();

  /** As Cairn names a source: its SPIFFE ID in any datacenter ({@code [^/]+}: any service). */
  private static Principal service(String regex) {
    return Principal.newBuilder()
        .setAuthenticated(
            Principal.Authenticated.newBuilder()
                .setPrincipalName(
                    StringMatcher.newBuilder()
                        .setSafeRegex(
                            RegexMatcher.newBuilder()
                                .setRegex(
                                    "^spiffe://1111-2222\\.consul/ns/default/dc/[^/]+/svc/"
                                        + regex
                                        + "$"))))
        .build();
  }

  private static Principal or(Principal... ids) {
    return Principal.newBuilder()
        .setOrIds(Principal.Set.newBuilder().addAllIds(List.of(ids)))
        .build();
  }

  private static Principal not(Principal id) {
    return Principal.newBuilder().setNotId(id).build();
  }

  private static Principal and(Principal... ids) {
    return Principal.newBuilder()
        .setAndIds(Principal.Set.newBuilder().addAllIds(List.of(ids)))
        .build();
  }

  @Test
  void principalsReadAsCairnMeansThem() {
    assertThat(SidecarRbac.describe(and(ANY, not(or(ip("10.0.0.1"), ip("10.0.0.2")))), false))
        .isEqualTo("anyone except (10.0.0.1/32 or 10.0.0.2/32)");
    assertThat(SidecarRbac.describe(not(ANY), false)).isEqualTo("nobody");
    assertThat(SidecarRbac.describe(and(ip("10.0.0.1"), ip("10.0.0.2"), ANY), false))
        .isEqualTo("10.0.0.1/32 and 10.0.0.2/32 and anyone");
    assertThat(
            SidecarRbac.describe(
                and(service("[^/]+"), not(or(service("web"), service("web\\.v2")))), false))
        .isEqualTo("any service except (web or web.v2)");
  }

  @Test
  void describesTheHttpRbacFilterOfTheInboundListenerOnly() {
    RBAC rules =
        RBAC.newBuilder()
            .setAction(RBAC.Action.DENY)
            .putPolicies(
                "1:*->api",
                Policy.newBuilder()
                    .addPrincipals(and(service("[^/]+"), not(service("web"))))
                    .addPermissions(Permission.newBuilder().setAny(true))
                    .build())
            .build();
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .addHttpFilters(
                HttpFilter.newBuilder()
                    .setName("envoy.filters.http.rbac")
                    .setTypedConfig(
                        Any.pack(
                            io.envoyproxy
                                .envoy
                                .extensions
                                .filters
                                .http
                                .rbac
                                .v3
                                .RBAC
                                .newBuilder()
                                .setRules(rules)
                                .build())))
            .build();
    Listener inbound =
        Listener.newBuilder()
            .setName("public_listener:0.0.0.0:21001")
            .addFilterChains(
                FilterChain.newBuilder()
                    .addFilters(
                        Filter.newBuilder()
                            .setName("envoy.filters.network.http_connection_manager")
                            .setTypedConfig(Any.pack(hcm))))
            .build();
    Listener outbound = Listener.newBuilder().setName("web:127.0.0.1:9191").build();

    assertThat(SidecarRbac.describe("api-1-sidecar-proxy", List.of(outbound, inbound)))
        .containsExactly(
            "inbound RBAC of api-1-sidecar-proxy (listener public_listener:0.0.0.0:21001):",
            "  DENY  everything from any service except web   [1:*->api]",
            "  anything else: allowed");
    assertThat(SidecarRbac.describe("front-proxy-1", List.of(outbound)))
        .containsExactly("front-proxy-1 has no inbound listener (is it a registered sidecar?)");
  }
}
