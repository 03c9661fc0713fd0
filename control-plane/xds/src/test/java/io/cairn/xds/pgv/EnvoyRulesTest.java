package io.cairn.xds.pgv;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.google.protobuf.Any;
import com.google.protobuf.ByteString;
import com.google.protobuf.DoubleValue;
import com.google.protobuf.Duration;
import com.google.protobuf.MessageOrBuilder;
import com.google.protobuf.UInt32Value;
import com.google.protobuf.UInt64Value;
import io.envoyproxy.envoy.config.accesslog.v3.GrpcStatusFilter;
import io.envoyproxy.envoy.config.accesslog.v3.ResponseFlagFilter;
import io.envoyproxy.envoy.config.cluster.v3.Cluster;
import io.envoyproxy.envoy.config.core.v3.Address;
import io.envoyproxy.envoy.config.core.v3.BackoffStrategy;
import io.envoyproxy.envoy.config.core.v3.HeaderValue;
import io.envoyproxy.envoy.config.core.v3.Metadata;
import io.envoyproxy.envoy.config.core.v3.ProxyProtocolConfig;
import io.envoyproxy.envoy.config.core.v3.RateLimitSettings;
import io.envoyproxy.envoy.config.core.v3.SchemeHeaderTransformation;
import io.envoyproxy.envoy.config.core.v3.SocketAddress;
import io.envoyproxy.envoy.config.core.v3.TlvEntry;
import io.envoyproxy.envoy.config.core.v3.TypedExtensionConfig;
import io.envoyproxy.envoy.config.endpoint.v3.LbEndpoint;
import io.envoyproxy.envoy.config.listener.v3.Filter;
import io.envoyproxy.envoy.config.listener.v3.FilterChain;
import io.envoyproxy.envoy.config.listener.v3.FilterChainMatch;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.config.listener.v3.ListenerFilterChainMatchPredicate;
import io.envoyproxy.envoy.config.route.v3.HeaderMatcher;
import io.envoyproxy.envoy.config.route.v3.InternalRedirectPolicy;
import io.envoyproxy.envoy.config.route.v3.Route;
import io.envoyproxy.envoy.config.route.v3.RouteConfiguration;
import io.envoyproxy.envoy.config.route.v3.RouteMatch;
import io.envoyproxy.envoy.config.route.v3.VirtualHost;
import io.envoyproxy.envoy.config.route.v3.WeightedCluster;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.type.v3.Percent;
import io.envoyproxy.pgv.validate.Validate;
import org.junit.jupiter.api.Test;

/** Each kind of rule Envoy's protos use, broken once: the validator must name rule and path. */
class EnvoyRulesTest {
  private static void rejects(MessageOrBuilder resource, String path, String rule) {
    assertThat(EnvoyRules.violations(resource))
        .as("%s", resource)
        .anySatisfy(
            v -> {
              assertThat(v.path()).isEqualTo(path);
              assertThat(v.rule()).isEqualTo(rule);
            });
  }

  private static SocketAddress.Builder socket() {
    return SocketAddress.newBuilder().setAddress("10.0.0.1").setPortValue(80);
  }

  @Test
  void aValidResourcePasses() {
    Listener listener =
        Listener.newBuilder()
            .setName("l")
            .setAddress(Address.newBuilder().setSocketAddress(socket()))
            .build();
    assertThat(EnvoyRules.violations(listener)).isEmpty();
  }

  @Test
  void stringRules() {
    rejects(socket().setAddress(""), "SocketAddress.address", "string.min_len");
    rejects(
        HeaderValue.newBuilder().setKey("x").setValue("a\nb"),
        "HeaderValue.value",
        "string.well_known_regex");
    rejects(
        HeaderValue.newBuilder().setKey("x".repeat(16385)), "HeaderValue.key", "string.max_bytes");
    rejects(
        RouteMatch.newBuilder().setPathSeparatedPrefix("/a/"),
        "RouteMatch.path_separated_prefix",
        "string.pattern");
    rejects(
        SchemeHeaderTransformation.newBuilder().setSchemeToOverwrite("ftp"),
        "SchemeHeaderTransformation.scheme_to_overwrite",
        "string.in");
    rejects(
        HeaderMatcher.newBuilder().setName("a\u0000b").setPresentMatch(true),
        "HeaderMatcher.name",
        "string.well_known_regex");
  }

  @Test
  void numberRulesOnScalarsAndWrappers() {
    rejects(socket().setPortValue(70000), "SocketAddress.port_value", "uint32.range");
    rejects(TlvEntry.newBuilder().setType(256), "TlvEntry.type", "uint32.range");
    rejects(
        LbEndpoint.newBuilder().setLoadBalancingWeight(UInt32Value.of(0)),
        "LbEndpoint.load_balancing_weight",
        "uint32.range");
    rejects(
        Cluster.RingHashLbConfig.newBuilder().setMinimumRingSize(UInt64Value.of(8388609)),
        "RingHashLbConfig.minimum_ring_size",
        "uint64.range");
    rejects(Percent.newBuilder().setValue(100.5), "Percent.value", "double.range");
    rejects(Percent.newBuilder().setValue(-1), "Percent.value", "double.range");
    rejects(
        RateLimitSettings.newBuilder().setFillRate(DoubleValue.of(0)),
        "RateLimitSettings.fill_rate",
        "double.range");
    rejects(
        Listener.newBuilder().setMaxConnectionsToAcceptPerSocketEvent(UInt32Value.of(0)),
        "Listener.max_connections_to_accept_per_socket_event",
        "uint32.range");
  }

  @Test
  void enumBoolAndBytesRules() {
    rejects(socket().setProtocolValue(99), "SocketAddress.protocol", "enum.defined_only");
    rejects(
        GrpcStatusFilter.newBuilder().addStatusesValue(999),
        "GrpcStatusFilter.statuses[0]",
        "enum.defined_only");
    rejects(
        ListenerFilterChainMatchPredicate.newBuilder().setAnyMatch(false),
        "ListenerFilterChainMatchPredicate.any_match",
        "bool.const");
    rejects(
        HeaderValue.newBuilder().setKey("x").setRawValue(ByteString.copyFrom(new byte[16385])),
        "HeaderValue.raw_value",
        "bytes.max_len");
  }

  @Test
  void presenceRules() {
    rejects(Address.newBuilder(), "Address.address", "oneof.required");
    rejects(Route.newBuilder(), "Route.match", "required");
    rejects(BackoffStrategy.newBuilder(), "BackoffStrategy.base_interval", "required");
    rejects(
        TypedExtensionConfig.newBuilder().setName("x"),
        "TypedExtensionConfig.typed_config",
        "required");
  }

  @Test
  void durationRules() {
    rejects(
        BackoffStrategy.newBuilder().setBaseInterval(Duration.newBuilder().setNanos(1)),
        "BackoffStrategy.base_interval",
        "duration.range");
    rejects(
        Cluster.RefreshRate.newBuilder().setBaseInterval(Duration.getDefaultInstance()),
        "RefreshRate.base_interval",
        "duration.range");
  }

  @Test
  void repeatedAndMapRules() {
    rejects(WeightedCluster.newBuilder(), "WeightedCluster.clusters", "repeated.min_items");
    rejects(
        InternalRedirectPolicy.newBuilder()
            .addResponseHeadersToCopy("x-a")
            .addResponseHeadersToCopy("x-a"),
        "InternalRedirectPolicy.response_headers_to_copy",
        "repeated.unique");
    rejects(
        FilterChainMatch.newBuilder().addSourcePorts(70000),
        "FilterChainMatch.source_ports[0]",
        "uint32.range");
    rejects(
        ResponseFlagFilter.newBuilder().addFlags("NOPE"),
        "ResponseFlagFilter.flags[0]",
        "string.in");
    rejects(
        Metadata.newBuilder()
            .putFilterMetadata("", com.google.protobuf.Struct.getDefaultInstance()),
        "Metadata.filter_metadata[].key",
        "string.min_len");
    rejects(
        ProxyProtocolConfig.newBuilder()
            .setPassThroughTlvs(
                io.envoyproxy.envoy.config.core.v3.ProxyProtocolPassThroughTLVs.newBuilder()
                    .addTlvType(300)),
        "ProxyProtocolConfig.pass_through_tlvs.tlv_type[0]",
        "uint32.range");
  }

  @Test
  void nestedMessagesAndPackedTypedConfigsAreChecked() {
    RouteConfiguration bad =
        RouteConfiguration.newBuilder()
            .addVirtualHosts(
                VirtualHost.newBuilder().setName("v").addDomains("*").addRoutes(Route.newBuilder()))
            .build();
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder().setStatPrefix("s").setRouteConfig(bad).build();
    Listener listener =
        Listener.newBuilder()
            .setName("l")
            .setAddress(Address.newBuilder().setSocketAddress(socket()))
            .addFilterChains(
                FilterChain.newBuilder()
                    .addFilters(Filter.newBuilder().setName("hcm").setTypedConfig(Any.pack(hcm))))
            .build();
    rejects(
        listener,
        "Listener.filter_chains[0].filters[0].typed_config<HttpConnectionManager>"
            + ".route_config.virtual_hosts[0].routes[0].match",
        "required");
    rejects(
        listener,
        "Listener.filter_chains[0].filters[0].typed_config<HttpConnectionManager>"
            + ".route_config.virtual_hosts[0].routes[0].action",
        "oneof.required");
  }

  @Test
  void clientRulesBeyondPgv() {
    rejects(
        io.envoyproxy.envoy.type.matcher.v3.RegexMatcher.newBuilder().setRegex("(?=a)b"),
        "RegexMatcher.regex",
        "re2");
    WeightedCluster.Builder split =
        WeightedCluster.newBuilder()
            .addClusters(
                WeightedCluster.ClusterWeight.newBuilder()
                    .setName("a")
                    .setWeight(UInt32Value.of(9000)))
            .addClusters(
                WeightedCluster.ClusterWeight.newBuilder()
                    .setName("b")
                    .setWeight(UInt32Value.of(1000)));
    rejects(split, "WeightedCluster", "weighted_clusters.total_weight");
    assertThat(EnvoyRules.violations(split.setTotalWeight(UInt32Value.of(10000)))).isEmpty();
    var outlier =
        io.envoyproxy.envoy.config.cluster.v3.OutlierDetection.newBuilder()
            .setMaxEjectionPercent(UInt32Value.of(101));
    rejects(outlier, "OutlierDetection.max_ejection_percent", "grpc");
    assertThat(EnvoyRules.violations(outlier.setMaxEjectionPercent(UInt32Value.of(100)))).isEmpty();
  }

  @Test
  void aRuleTheValidatorDoesNotImplementFailsInsteadOfPassing() {
    assertThatThrownBy(
            () ->
                StringRules.check(
                    null,
                    "X.email",
                    "a@b",
                    Validate.StringRules.newBuilder().setEmail(true).build()))
        .isInstanceOf(EnvoyRules.UnsupportedRule.class)
        .hasMessageContaining("string.email");
    assertThatCode(
            () ->
                DurationRules.check(
                    null,
                    "X.d",
                    Duration.getDefaultInstance(),
                    Validate.DurationRules.newBuilder().setRequired(true).build()))
        .as("implemented rules do not throw")
        .doesNotThrowAnyException();
  }
}
