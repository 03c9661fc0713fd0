package io.cairn.registry.model;

import io.cairn.registry.validation.Names;
import io.cairn.registry.validation.Problems;
import java.time.Duration;
import java.util.Optional;

/**
 * A health check attached to one service instance, with its current status.
 *
 * @param id unique among all checks
 * @param name human-readable name
 * @param serviceId the instance it belongs to
 * @param definition how it is evaluated
 * @param status current status (never {@link HealthStatus#MAINTENANCE}: that is a separate mark)
 * @param output the last probe's output or the last TTL note, at most {@value #MAX_OUTPUT} chars
 * @param notes operator's description
 * @param thresholds consecutive results needed to change status
 * @param deregisterCriticalAfter remove the instance once this check has been critical this long
 */
public record HealthCheck(
    String id,
    String name,
    String serviceId,
    CheckDefinition definition,
    HealthStatus status,
    String output,
    String notes,
    CheckThresholds thresholds,
    Optional<Duration> deregisterCriticalAfter) {

  /** Consul's default cap on stored check output. */
  public static final int MAX_OUTPUT = 4096;

  private static final int MAX_NAME = 256;
  private static final int MAX_NOTES = 1024;

  public HealthCheck {
    Problems p = new Problems();
    Names.id(p, "id", id);
    if (name == null || name.isEmpty()) {
      p.add("name", "is required");
    } else if (name.length() > MAX_NAME) {
      p.add("name", "is longer than " + MAX_NAME + " characters");
    }
    Names.id(p, "serviceId", serviceId);
    if (definition == null) {
      p.add("definition", "is required");
    }
    if (status == null) {
      p.add("status", "is required");
    } else if (status == HealthStatus.MAINTENANCE) {
      p.add("status", "must be passing, warning or critical (maintenance is set per instance)");
    }
    if (output == null) {
      p.add("output", "must not be null (use an empty string)");
    } else if (output.length() > MAX_OUTPUT) {
      output = output.substring(0, MAX_OUTPUT);
    }
    Names.text(p, "notes", notes, MAX_NOTES);
    if (thresholds == null) {
      p.add("thresholds", "is required");
    }
    if (deregisterCriticalAfter == null) {
      p.add("deregisterCriticalAfter", "must not be null (use Optional.empty())");
    } else if (deregisterCriticalAfter.filter(d -> d.isNegative() || d.isZero()).isPresent()) {
      p.add("deregisterCriticalAfter", "must be positive");
    }
    p.throwIfAny();
  }

  /** A check with Consul's defaults: no notes, no thresholds, never deregisters. */
  public static HealthCheck of(
      String id, String name, String serviceId, CheckDefinition definition, HealthStatus status) {
    return new HealthCheck(
        id,
        name,
        serviceId,
        definition,
        status,
        "",
        "",
        CheckThresholds.IMMEDIATE,
        Optional.empty());
  }

  public HealthCheck withStatus(HealthStatus newStatus, String newOutput) {
    return new HealthCheck(
        id,
        name,
        serviceId,
        definition,
        newStatus,
        newOutput,
        notes,
        thresholds,
        deregisterCriticalAfter);
  }

  /** True when both describe the same check, whatever its current status and output. */
  public boolean sameDefinition(HealthCheck other) {
    return id.equals(other.id)
        && name.equals(other.name)
        && serviceId.equals(other.serviceId)
        && definition.equals(other.definition)
        && notes.equals(other.notes)
        && thresholds.equals(other.thresholds)
        && deregisterCriticalAfter.equals(other.deregisterCriticalAfter);
  }
}
