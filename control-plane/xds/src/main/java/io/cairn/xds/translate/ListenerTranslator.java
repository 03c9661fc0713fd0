package io.cairn.xds.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;

/**
 * LDS for proxyless gRPC: a Listener named after the service (what {@code xds:///service} asks for)
 * whose {@code api_listener} is an HTTP connection manager taking its routes over ADS and ending in
 * the router filter, without which gRPC rejects it.
 */
public final class ListenerTranslator {
  private ListenerTranslator() {}

  public static Listener apiListener(String listenerName, String routeName) {
    HttpConnectionManager hcm =
        HttpConnectionManager.newBuilder()
            .setStatPrefix(listenerName)
            .setRds(
                Rds.newBuilder()
                    .setRouteConfigName(routeName)
                    .setConfigSource(
                        ConfigSource.newBuilder()
                            .setAds(AggregatedConfigSource.getDefaultInstance())
                            .setResourceApiVersion(ApiVersion.V3)))
            .addHttpFilters(SidecarListenerTranslator.router())
            .build();
    return Listener.newBuilder()
        .setName(listenerName)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }
}
