package io.cairn.xds.server;

import io.cairn.registry.command.PutConfigEntry;
import io.cairn.registry.config.ResolverSubset;
import io.cairn.registry.config.ServiceResolver;
import io.cairn.registry.config.ServiceSplitter;
import io.cairn.registry.config.ServiceTarget;
import io.cairn.registry.config.Split;
import java.util.List;
import java.util.Map;

/** Config entries the xDS integration tests share: version subsets and a canary split. */
final class MeshConfig {
  private MeshConfig() {}

  /** A resolver with subsets {@code v1} and {@code v2} by {@code Service.Meta.version}. */
  static PutConfigEntry versionSubsets(String service) {
    return PutConfigEntry.of(
        ServiceResolver.builder(service)
            .subsets(
                Map.of(
                    "v1", new ResolverSubset("Service.Meta.version == v1", false),
                    "v2", new ResolverSubset("Service.Meta.version == v2", false)))
            .build());
  }

  /** {@code v1Percent} of the service's traffic to subset v1, the rest to v2. */
  static PutConfigEntry canary(String service, int v1Percent) {
    return PutConfigEntry.of(
        new ServiceSplitter(
            service,
            List.of(
                new Split(v1Percent, new ServiceTarget("", "v1")),
                new Split(100 - v1Percent, new ServiceTarget("", "v2"))),
            Map.of()));
  }
}
