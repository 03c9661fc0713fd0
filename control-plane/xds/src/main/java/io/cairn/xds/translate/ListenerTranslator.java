package io.cairn.xds.translate;

import com.google.protobuf.Any;
import io.envoyproxy.envoy.config.listener.v3.ApiListener;
import io.envoyproxy.envoy.config.listener.v3.Listener;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.HttpConnectionManager;

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
            .setRds(AdsSource.rds(routeName))
            .addHttpFilters(SidecarListenerTranslator.router())
            .build();
    return Listener.newBuilder()
        .setName(listenerName)
        .setApiListener(ApiListener.newBuilder().setApiListener(Any.pack(hcm)))
        .build();
  }
}
