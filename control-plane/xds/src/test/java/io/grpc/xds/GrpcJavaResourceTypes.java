package io.grpc.xds;

import io.grpc.xds.client.XdsResourceType;
import java.util.Map;

/**
 * Test bridge to grpc-java's own xDS resource parsers, which are package-private: the resource
 * types grpc-java's xDS client validates responses with, by type URL.
 */
public final class GrpcJavaResourceTypes {
  private GrpcJavaResourceTypes() {}

  public static Map<String, XdsResourceType<?>> byTypeUrl() {
    return Map.of(
        XdsListenerResource.getInstance().typeUrl(), XdsListenerResource.getInstance(),
        XdsRouteConfigureResource.getInstance().typeUrl(), XdsRouteConfigureResource.getInstance(),
        XdsClusterResource.getInstance().typeUrl(), XdsClusterResource.getInstance(),
        XdsEndpointResource.getInstance().typeUrl(), XdsEndpointResource.getInstance());
  }
}
