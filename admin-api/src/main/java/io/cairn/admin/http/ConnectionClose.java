package io.cairn.admin.http;

import io.helidon.http.HeaderValues;
import io.helidon.webserver.CloseConnectionException;
import io.helidon.webserver.http.Filter;
import io.helidon.webserver.http.FilterChain;
import io.helidon.webserver.http.RoutingRequest;
import io.helidon.webserver.http.RoutingResponse;

/**
 * Closes an HTTP/1.1 connection after answering a request that asked for it ({@code Connection:
 * close}), as RFC 9112 section 9.6 requires: Helidon 4.5.0 sends the header back but then waits for
 * another request (helidon-io/helidon#12324, fixed after 4.5.0), so a client reading to the end of
 * the stream waited for its own timeout.
 *
 * <p>A body the handler left unread (after a 413 for a body over the limit) is read first and
 * dropped, so the close sends FIN: closing with unread bytes makes the kernel reset the connection,
 * and a client still sending then sees a broken pipe, not the answer. The web server's payload
 * backstop bounds what is read.
 */
public final class ConnectionClose implements Filter {
  @Override
  public void filter(FilterChain chain, RoutingRequest req, RoutingResponse res) {
    chain.proceed(); // routes' errors are answered inside, so the response has been sent here
    if (!"1.1".equals(req.prologue().protocolVersion())
        || !req.headers().containsToken(HeaderValues.CONNECTION_CLOSE)) {
      return; // on a kept-alive connection the web server reads what is left itself
    }
    try {
      req.content().consume();
    } catch (RuntimeException overBackstopOrGone) {
      throw new CloseConnectionException("request body not read to its end", overBackstopOrGone);
    }
    throw new CloseConnectionException("closed after the answer, as the client asked");
  }
}
