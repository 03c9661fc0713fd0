package io.cairn.health;

import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import java.util.Objects;

/**
 * What one probe saw.
 *
 * @param status passing, warning or critical
 * @param output a human-readable account, capped at {@link HealthCheck#MAX_OUTPUT} characters
 */
public record ProbeResult(HealthStatus status, String output) {
  public ProbeResult {
    Objects.requireNonNull(status, "status");
    Objects.requireNonNull(output, "output");
    if (status == HealthStatus.MAINTENANCE) {
      throw new IllegalArgumentException("a probe cannot report maintenance");
    }
    if (output.length() > HealthCheck.MAX_OUTPUT) {
      output = output.substring(0, HealthCheck.MAX_OUTPUT);
    }
  }

  public static ProbeResult passing(String output) {
    return new ProbeResult(HealthStatus.PASSING, output);
  }

  public static ProbeResult warning(String output) {
    return new ProbeResult(HealthStatus.WARNING, output);
  }

  public static ProbeResult critical(String output) {
    return new ProbeResult(HealthStatus.CRITICAL, output);
  }
}
