package io.cairn.admin.http;

import io.helidon.http.DirectHandler;
import io.helidon.http.HeaderValues;
import io.helidon.http.ServerResponseHeaders;
import io.helidon.http.Status;
import io.helidon.webserver.http.DirectHandlers;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import java.util.Locale;

/**
 * Requests the web server refuses before routing (headers over {@code http.max-header-size}, a
 * malformed request line, an HTTP version it does not speak) get the API's JSON error shape with
 * what was wrong, instead of an empty 400, and count in {@code cairn_http_limited_total}.
 */
public final class TransportErrors implements DirectHandler {
  /** What a 500 raised by the web server itself says: Cairn's own code never saw the request. */
  public static final String TRANSPORT_FAILURE =
      "the web server could not read this request (it failed before Cairn's handlers ran)";

  private final MeterRegistry meters;
  private final int maxHeaderBytes;

  private TransportErrors(MeterRegistry meters, int maxHeaderBytes) {
    this.meters = meters;
    this.maxHeaderBytes = maxHeaderBytes;
  }

  /** Handlers for every event type the server raises before routing. */
  public static DirectHandlers handlers(MeterRegistry meters, int maxHeaderBytes) {
    TransportErrors handler = new TransportErrors(meters, maxHeaderBytes);
    DirectHandlers.Builder b = DirectHandlers.builder();
    for (EventType type : EventType.values()) {
      b.addHandler(type, handler);
    }
    return b.build();
  }

  @Override
  public TransportResponse handle(
      TransportRequest request,
      EventType eventType,
      Status status,
      ServerResponseHeaders headers,
      String message) {
    HttpLimitMetrics.limited(
            meters, "transport-" + eventType.name().toLowerCase(Locale.ROOT).replace('_', '-'))
        .increment();
    // The server keeps its own message back when it may quote the request; say what it means.
    String text =
        switch (eventType) {
          case BAD_REQUEST ->
              "the request could not be read: it is malformed, or its request line and headers"
                  + " exceed http.max-header-size ("
                  + maxHeaderBytes
                  + " bytes)";
          case PAYLOAD_TOO_LARGE -> "the request body is larger than http.max-body-size";
          case HTTP_VERSION_NOT_SUPPORTED -> "only HTTP/1.1 and HTTP/2 are served";
          case INTERNAL_ERROR -> TRANSPORT_FAILURE;
          default -> message == null || message.isBlank() ? status.reasonPhrase() : message;
        };
    byte[] body = Json.bytes(new ErrorResponses.ErrorBody(status.code(), text, List.of()));
    headers.set(HeaderValues.CONTENT_TYPE_JSON);
    return TransportResponse.builder()
        .status(status)
        .headers(headers)
        .entity(body)
        .keepAlive(false)
        .build();
  }
}
