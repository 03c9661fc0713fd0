package io.cairn.registry;

import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.TtlCheck;
import java.time.Duration;

/** Sample values for tests. */
public final class Fixtures {
  private Fixtures() {}

  public static ServiceInstance instance(String id, String name) {
    return ServiceInstance.builder(id, name).address("10.0.0.1").port(8080).build();
  }

  public static ServiceInstance instance(String id, String name, String address, int port) {
    return ServiceInstance.builder(id, name).address(address).port(port).build();
  }

  public static HealthCheck ttlCheck(String id, String instanceId, HealthStatus status) {
    return HealthCheck.of(
        id, "ttl " + id, instanceId, new TtlCheck(Duration.ofSeconds(30)), status);
  }
}
