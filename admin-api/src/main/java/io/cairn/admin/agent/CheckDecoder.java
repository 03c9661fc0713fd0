package io.cairn.admin.agent;

import io.cairn.admin.json.ConsulPaths;
import io.cairn.admin.json.JsonFields;
import io.cairn.registry.model.CheckDefinition;
import io.cairn.registry.model.CheckThresholds;
import io.cairn.registry.model.GrpcCheck;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.HttpCheck;
import io.cairn.registry.model.ProbeCheck;
import io.cairn.registry.model.TcpCheck;
import io.cairn.registry.model.TtlCheck;
import io.cairn.registry.validation.Problems;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * Consul check definitions ({@code AgentServiceCheck}, {@code AgentCheckRegistration}) to {@link
 * HealthCheck}s. Cairn runs checks itself, so script, Docker, alias, H2 ping, UDP and OS-service
 * checks are refused with a reason rather than silently never run.
 */
final class CheckDecoder {
  private static final Set<String> UNSUPPORTED =
      Set.of(
          "Args",
          "Script",
          "ScriptArgs",
          "DockerContainerID",
          "Shell",
          "AliasService",
          "AliasNode",
          "H2PING",
          "UDP",
          "OSService");

  private CheckDecoder() {}

  /**
   * Decodes one check of instance {@code serviceId}; problems go to {@code f.problems()}.
   *
   * @param defaultId the id Consul would give it ({@code service:<id>} or {@code service:<id>:<n>})
   */
  static Optional<HealthCheck> decode(
      JsonFields f, String serviceId, String serviceName, String defaultId) {
    Problems p = f.problems();
    for (String field : UNSUPPORTED) {
      if (f.has(field)) {
        p.add(
            f.pathOf(field),
            "this kind of check is not supported: Cairn runs checks itself (HTTP, TCP, gRPC) or"
                + " waits for TTL heartbeats");
      }
    }
    String id =
        f.string("CheckID").or(() -> f.string("ID")).filter(s -> !s.isEmpty()).orElse(defaultId);
    String name =
        f.string("Name").filter(s -> !s.isEmpty()).orElse("Service '" + serviceName + "' check");
    Optional<Duration> interval = f.duration("Interval");
    Duration timeout = f.duration("Timeout").orElse(ProbeCheck.DEFAULT_TIMEOUT);
    Optional<CheckDefinition> definition = definition(f, interval, timeout);
    String statusText = f.string("Status", "critical");
    Optional<HealthStatus> status =
        HealthStatus.parse(statusText).filter(s -> s != HealthStatus.MAINTENANCE);
    if (status.isEmpty()) {
      p.add(f.pathOf("Status"), "must be passing, warning or critical, was '" + statusText + "'");
    }
    int success = f.integer("SuccessBeforePassing", 0);
    int critical = f.integer("FailuresBeforeCritical", 0);
    int warning = f.integer("FailuresBeforeWarning", critical);
    Optional<CheckThresholds> thresholds =
        ConsulPaths.collect(p, f.path(), () -> new CheckThresholds(success, warning, critical));
    Optional<Duration> deregister =
        f.duration("DeregisterCriticalServiceAfter").filter(d -> !d.isZero());
    String notes = f.string("Notes", "");
    String output = f.string("Output", "");
    // Cairn keeps Consul's default of 4096 characters of output, which Consul's reads show.
    f.integer("OutputMaxSize").stream()
        .filter(n -> n != 0 && n != HealthCheck.MAX_OUTPUT)
        .forEach(
            n ->
                p.add(
                    f.pathOf("OutputMaxSize"),
                    "Cairn keeps " + HealthCheck.MAX_OUTPUT + " characters of output, was " + n));
    // TLSServerName, DisableRedirects, TCPUseTLS, H2PingUseTLS and fields of another kind of
    // check (an HTTP Method on a TTL check) change nothing Cairn runs: refused.
    f.rejectUnknown(Set.of());
    if (definition.isEmpty() || status.isEmpty() || thresholds.isEmpty()) {
      return Optional.empty();
    }
    return ConsulPaths.collect(
        p,
        f.path(),
        () ->
            new HealthCheck(
                id,
                name,
                serviceId,
                definition.get(),
                status.get(),
                output,
                notes,
                thresholds.get(),
                deregister));
  }

  private static Optional<CheckDefinition> definition(
      JsonFields f, Optional<Duration> interval, Duration timeout) {
    Problems p = f.problems();
    Optional<String> http = f.string("HTTP").filter(s -> !s.isEmpty());
    Optional<String> tcp = f.string("TCP").filter(s -> !s.isEmpty());
    Optional<String> grpc = f.string("GRPC").filter(s -> !s.isEmpty());
    Optional<Duration> ttl = f.duration("TTL");
    int kinds =
        (http.isPresent() ? 1 : 0)
            + (tcp.isPresent() ? 1 : 0)
            + (grpc.isPresent() ? 1 : 0)
            + (ttl.isPresent() ? 1 : 0);
    String at = f.path();
    if (kinds != 1) {
      if (kinds == 0 && p.isEmpty()) {
        p.add(at, "needs exactly one of HTTP, TCP, GRPC or TTL");
      } else if (kinds > 1) {
        p.add(at, "gives more than one of HTTP, TCP, GRPC and TTL");
      }
      return Optional.empty();
    }
    if (ttl.isPresent()) {
      return ConsulPaths.collect(p, at, () -> new TtlCheck(ttl.get()));
    }
    if (interval.isEmpty()) {
      p.add(f.pathOf("Interval"), "is required for HTTP, TCP and gRPC checks");
      return Optional.empty();
    }
    if (http.isPresent()) {
      URI url;
      try {
        url = new URI(http.get());
      } catch (URISyntaxException e) {
        p.add(f.pathOf("HTTP"), "'" + http.get() + "' is not a URL: " + e.getReason());
        return Optional.empty();
      }
      Map<String, List<String>> headers = headers(f);
      String method = f.string("Method").filter(s -> !s.isEmpty()).orElse("GET");
      return ConsulPaths.collect(
          p,
          at,
          () ->
              new HttpCheck(
                  url,
                  method,
                  headers,
                  f.string("Body", ""),
                  f.bool("TLSSkipVerify", false),
                  interval.get(),
                  timeout));
    }
    if (tcp.isPresent()) {
      Optional<HostPort> target = HostPort.parse(p, f.pathOf("TCP"), tcp.get());
      return target.flatMap(
          t ->
              ConsulPaths.collect(
                  p, at, () -> new TcpCheck(t.host(), t.port(), interval.get(), timeout)));
    }
    String value = grpc.get();
    int slash = value.indexOf('/');
    String service = slash < 0 ? "" : value.substring(slash + 1);
    Optional<HostPort> target =
        HostPort.parse(p, f.pathOf("GRPC"), slash < 0 ? value : value.substring(0, slash));
    boolean useTls = f.bool("GRPCUseTLS", false);
    boolean skipVerify = f.bool("TLSSkipVerify", false);
    return target.flatMap(
        t ->
            ConsulPaths.collect(
                p,
                at,
                () ->
                    new GrpcCheck(
                        t.host(), t.port(), service, useTls, skipVerify, interval.get(), timeout)));
  }

  private static Map<String, List<String>> headers(JsonFields f) {
    Map<String, List<String>> headers = new LinkedHashMap<>();
    f.object("Header")
        .ifPresent(
            h -> {
              // Header is map[string][]string in Consul; read each name as a list of strings.
              for (String name : h.names()) {
                headers.put(name, new ArrayList<>(h.strings(name)));
              }
            });
    return headers;
  }
}
