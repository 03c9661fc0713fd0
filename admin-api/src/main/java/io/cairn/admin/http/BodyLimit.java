package io.cairn.admin.http;

import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;
import java.util.List;

/**
 * The request body limit, answered with the usual JSON error (413): at once for a declared {@code
 * Content-Length}, and while reading for chunked bodies ({@link Json#body}). The web server's own,
 * larger limit ({@link #backstop}) only guards against abuse; its 413 has no body.
 */
public final class BodyLimit implements Filter {
  private final long maxBytes;

  public BodyLimit(long maxBytes) {
    this.maxBytes = maxBytes;
  }

  /** The web server's hard limit for a configured {@code maxBytes}. */
  public static long backstop(long maxBytes) {
    return Math.max(16L << 20, maxBytes * 16);
  }

  long maxBytes() {
    return maxBytes;
  }

  ApiException tooLarge(long size) {
    return new ApiException(
        413,
        "request body of "
            + size
            + " bytes is over the limit of "
            + maxBytes
            + " (--http-max-body-size)",
        List.of());
  }

  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    var length = req.headers().contentLength();
    if (length.isPresent() && length.getAsLong() > maxBytes) {
      ApiException e = tooLarge(length.getAsLong());
      ErrorResponses.send(res, e.status(), e.getMessage(), e.problems());
      return;
    }
    req.context().register(this);
    chain.proceed();
  }
}
