package io.cairn.admin.status;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cairn.admin.http.ErrorResponses;
import io.cairn.admin.http.Json;
import io.cairn.registry.Registry;
import io.cairn.registry.WriteState;
import io.helidon.http.HeaderNames;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import java.util.function.BooleanSupplier;

/**
 * {@code /health}: {@code /live} answers while the process serves HTTP; {@code /ready} (and {@code
 * /health} itself) while the registry takes writes, and 503 with the reason whenever writes cannot
 * succeed (store failed, etcd unreachable, writer stopped) or Cairn is shutting down.
 */
public final class HealthEndpoint implements HttpService {
  private final Registry registry;
  private final BooleanSupplier ready;

  /** The body: status and the registry index it was read at. */
  public record HealthJson(
      @JsonProperty("Status") String status, @JsonProperty("Index") long index) {}

  public HealthEndpoint(Registry registry, BooleanSupplier ready) {
    this.registry = registry;
    this.ready = ready;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/", (req, res) -> readiness(res))
        .get("/ready", (req, res) -> readiness(res))
        .get(
            "/live",
            (req, res) -> Json.send(res, new HealthJson("UP", registry.snapshot().index())));
  }

  private void readiness(ServerResponse res) {
    if (!ready.getAsBoolean()) {
      ErrorResponses.send(res, 503, "Cairn is shutting down", List.of());
      return;
    }
    switch (registry.writeState()) {
      case WriteState.Writable w ->
          Json.send(res, new HealthJson("UP", registry.snapshot().index()));
      case WriteState.Unwritable u -> {
        res.header(HeaderNames.RETRY_AFTER, "1");
        ErrorResponses.send(
            res,
            503,
            "writes cannot succeed: " + u.reason(),
            List.of("since " + u.since(), "reads serve index " + registry.snapshot().index()));
      }
      case WriteState.Stopped s ->
          ErrorResponses.send(res, 503, "writes cannot succeed: " + s.reason(), List.of());
    }
  }
}
