package io.cairn.admin.http;

import com.fasterxml.jackson.annotation.JsonProperty;
import io.cairn.registry.AclBootstrapDoneException;
import io.cairn.registry.NotFoundException;
import io.cairn.registry.RegistryClosedException;
import io.cairn.registry.RegistryException;
import io.cairn.registry.StoreException;
import io.cairn.registry.StoreUnavailableException;
import io.cairn.registry.validation.ValidationException;
import io.helidon.http.HeaderNames;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRouting;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one place exceptions become HTTP responses. Every error has the same JSON body: {@code
 * {"StatusCode": 400, "Error": "...", "Problems": ["Port: must be ...", ...]}}.
 */
public final class ErrorResponses {
  private static final Logger log = LoggerFactory.getLogger(ErrorResponses.class);

  /** The error body. */
  public record ErrorBody(
      @JsonProperty("StatusCode") int statusCode,
      @JsonProperty("Error") String error,
      @JsonProperty("Problems") List<String> problems) {}

  private ErrorResponses() {}

  /** Registers the mapping on {@code routing}. */
  public static void register(HttpRouting.Builder routing) {
    routing.error(
        ApiException.class, (req, res, e) -> send(res, e.status(), e.getMessage(), e.problems()));
    routing.error(
        ValidationException.class,
        (req, res, e) ->
            send(
                res,
                400,
                "invalid request: " + e.problems().size() + " problem(s)",
                e.problems().stream().map(Object::toString).toList()));
    routing.error(
        NotFoundException.class, (req, res, e) -> send(res, 404, e.getMessage(), List.of()));
    routing.error(
        RegistryClosedException.class, (req, res, e) -> send(res, 503, e.getMessage(), List.of()));
    routing.error(
        StoreUnavailableException.class,
        (req, res, e) -> {
          // Writes are closed (store failed or etcd lost); reads still work. The registry logs each
          // incident once, so nothing is logged per request here.
          res.header(HeaderNames.RETRY_AFTER, "1");
          send(res, 503, e.getMessage(), List.of());
        });
    routing.error(
        StoreException.class,
        (req, res, e) -> {
          log.warn(
              "store failure serving {} {}: {}",
              req.prologue().method(),
              req.path().path(),
              e.getMessage());
          send(res, 500, "the write could not be stored: " + e.getMessage(), List.of());
        });
    routing.error(
        AclBootstrapDoneException.class,
        (req, res, e) -> send(res, 403, e.getMessage(), List.of()));
    routing.error(
        RegistryException.class, (req, res, e) -> send(res, 400, e.getMessage(), List.of()));
    routing.error(
        RuntimeException.class,
        (req, res, e) -> {
          log.error(
              "unexpected error serving {} {}", req.prologue().method(), req.path().path(), e);
          send(res, 500, "internal error: " + e, List.of());
        });
  }

  public static void send(ServerResponse res, int status, String message, List<String> problems) {
    if (res.isSent()) {
      return;
    }
    res.status(Status.create(status));
    Json.send(res, new ErrorBody(status, message, problems));
  }

  /** 405 with the {@code Allow} header, for a path served with other methods. */
  public static void methodNotAllowed(ServerRequest req, ServerResponse res, String allowed) {
    // absolute(): inside a registered service the routed path is relative to its prefix.
    res.header(io.helidon.http.HeaderNames.ALLOW, allowed);
    send(
        res,
        405,
        "method "
            + req.prologue().method().text()
            + " is not allowed on "
            + req.path().absolute().path()
            + "; use "
            + allowed,
        List.of());
  }
}
