package io.cairn.xds.pgv;

import static org.assertj.core.api.Assertions.assertThat;

import com.google.protobuf.Message;
import io.cairn.xds.cache.ContentSnapshot;
import io.envoyproxy.controlplane.cache.SnapshotResources;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The assertion every xDS test applies to what Cairn emits: each resource passes Envoy's PGV rules
 * ({@link EnvoyRules}), and each resource for proxyless clients what gRPC clients check too. Counts
 * what it checked, so a run can show how much was covered ({@link CheckedCount} prints the total).
 */
public final class ValidResources {
  private static final AtomicLong CHECKED = new AtomicLong();
  private static final AtomicLong REJECTED = new AtomicLong();
  private static final AtomicLong GRPC_CHECKED = new AtomicLong();

  private ValidResources() {}

  /** Asserts {@code resource} passes Envoy's rules and returns it, for use inline. */
  public static <T extends Message> T valid(T resource) {
    List<EnvoyRules.Violation> violations = EnvoyRules.violations(resource);
    CHECKED.incrementAndGet();
    if (!violations.isEmpty()) {
      REJECTED.incrementAndGet();
    }
    assertThat(violations).as("Envoy's validation rules on %s", describe(resource)).isEmpty();
    if (resource
        instanceof io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment assignment) {
      contiguousPriorities(assignment);
    }
    return resource;
  }

  /**
   * Asserts {@code resource}, meant for proxyless gRPC clients, passes Envoy's rules and what gRPC
   * clients check ({@link GrpcJavaRules}), and returns it.
   */
  public static <T extends Message> T validForGrpc(T resource) {
    valid(resource);
    List<String> errors = GrpcJavaRules.violations(resource);
    GRPC_CHECKED.incrementAndGet();
    if (!errors.isEmpty()) {
      REJECTED.incrementAndGet();
    }
    assertThat(errors).as("gRPC clients' validation of %s", describe(resource)).isEmpty();
    return resource;
  }

  /** Every resource of every type in a snapshot for proxyless clients, by both clients' rules. */
  public static ContentSnapshot validForGrpc(ContentSnapshot snapshot) {
    for (SnapshotResources<?> type :
        List.of(
            snapshot.clusters(), snapshot.endpoints(), snapshot.listeners(), snapshot.routes())) {
      type.resources().values().forEach(ValidResources::validForGrpc);
    }
    return snapshot;
  }

  /**
   * Beyond PGV: priorities run from 0 without gaps ({@code endpoint.proto}; Envoy and gRPC, gRFC
   * A27, refuse an assignment with a gap).
   */
  private static void contiguousPriorities(
      io.envoyproxy.envoy.config.endpoint.v3.ClusterLoadAssignment assignment) {
    java.util.SortedSet<Integer> used = new java.util.TreeSet<>();
    assignment.getEndpointsList().forEach(l -> used.add(l.getPriority()));
    if (!used.isEmpty()) {
      assertThat(used.last())
          .as("priorities of %s run from 0 without gaps: %s", assignment.getClusterName(), used)
          .isEqualTo(used.size() - 1);
    }
  }

  /** Every resource of every type in {@code snapshot}. */
  public static ContentSnapshot valid(ContentSnapshot snapshot) {
    for (SnapshotResources<?> type :
        List.of(
            snapshot.clusters(),
            snapshot.endpoints(),
            snapshot.listeners(),
            snapshot.routes(),
            snapshot.secrets())) {
      type.resources().values().forEach(ValidResources::valid);
    }
    return snapshot;
  }

  public static long checked() {
    return CHECKED.get();
  }

  /** How many of the checked resources were also checked by gRPC clients' rules. */
  public static long checkedForGrpc() {
    return GRPC_CHECKED.get();
  }

  public static long rejected() {
    return REJECTED.get();
  }

  private static String describe(Message resource) {
    String text = resource.toString();
    return resource.getDescriptorForType().getName()
        + (text.length() > 4000 ? " (" + text.length() + " chars)" : ":\n" + text);
  }
}
