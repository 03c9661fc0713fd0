package io.cairn.xds.translate;

import io.envoyproxy.envoy.config.core.v3.AggregatedConfigSource;
import io.envoyproxy.envoy.config.core.v3.ApiVersion;
import io.envoyproxy.envoy.config.core.v3.ConfigSource;
import io.envoyproxy.envoy.extensions.filters.network.http_connection_manager.v3.Rds;

/** Where Cairn's resources point for what they reference: the same ADS stream, v3. */
final class AdsSource {
  private AdsSource() {}

  static ConfigSource ads() {
    return ConfigSource.newBuilder()
        .setAds(AggregatedConfigSource.getDefaultInstance())
        .setResourceApiVersion(ApiVersion.V3)
        .build();
  }

  /** Routes by name over ADS, for an HTTP connection manager. */
  static Rds rds(String routeName) {
    return Rds.newBuilder().setRouteConfigName(routeName).setConfigSource(ads()).build();
  }
}
