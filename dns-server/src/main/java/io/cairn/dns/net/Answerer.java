package io.cairn.dns.net;

import io.cairn.dns.answer.QueryHandler;
import io.cairn.dns.answer.Reply;
import io.cairn.dns.answer.UdpExchange;
import io.cairn.dns.wire.Query;
import io.cairn.dns.wire.Transport;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.Semaphore;
import java.util.function.Consumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What both listeners do with a packet: ask the handler, forward to recursors when it says so,
 * count everything. A packet that makes the handler fail (a bug) is dropped and counted; the
 * listener lives on.
 */
final class Answerer {
  private static final Logger log = LoggerFactory.getLogger(Answerer.class);
  private static final int MAX_FORWARDS_IN_FLIGHT = 256;

  private final QueryHandler handler;
  private final Optional<Forwarder> forwarder;
  private final DnsMetrics metrics;
  private final Semaphore forwards = new Semaphore(MAX_FORWARDS_IN_FLIGHT);
  private final QueryFailureLog failures =
      new QueryFailureLog(log, Duration.ofSeconds(10), System::nanoTime);

  Answerer(QueryHandler handler, Optional<Forwarder> forwarder, DnsMetrics metrics) {
    this.handler = handler;
    this.forwarder = forwarder;
    this.metrics = metrics;
  }

  /**
   * Answers {@code packet}, which arrived at {@code started} (System.nanoTime), on this thread;
   * queries for the recursors too. Empty when the packet gets no reply.
   */
  Optional<byte[]> answer(byte[] packet, Transport transport, long started) {
    return switch (handle(packet, transport, started)) {
      case Reply.Send s -> Optional.of(s.message());
      case Reply.Drop d -> Optional.empty();
      case Reply.Forward f -> Optional.of(forward(packet, f.query(), transport, started));
    };
  }

  /**
   * Answers the UDP query in {@code exchange} from the handler's reply cache, counted; false when
   * it has no reply to reuse (then call {@link #answerAsync(UdpExchange, long, Consumer)}).
   */
  boolean answerFromCache(UdpExchange exchange, long started) {
    try {
      if (!handler.answerFromCache(exchange)) {
        return false;
      }
    } catch (RuntimeException e) {
      metrics.failed();
      failures.failed("DNS query failed in the reply cache", e, exchange.length());
      return false;
    }
    metrics.cacheHit();
    metrics.answered(
        exchange.type(), exchange.rcode(), false, Transport.UDP, System.nanoTime() - started);
    return true;
  }

  /**
   * Answers the UDP query in {@code exchange}, handing the reply to {@code send}, and keeps the
   * reply in the handler's reply cache when it may be reused. A query for the recursors is
   * forwarded on a virtual thread of its own.
   */
  void answerAsync(UdpExchange exchange, long started, Consumer<byte[]> send) {
    Reply reply;
    try {
      reply = counted(handler.handle(exchange), Transport.UDP, started);
    } catch (RuntimeException e) {
      reply = failed(e, exchange.packetCopy());
    }
    switch (reply) {
      case Reply.Send s -> send.accept(s.message());
      case Reply.Drop d -> {}
      case Reply.Forward f ->
          Thread.ofVirtual()
              .name("dns-forward")
              .start(
                  () ->
                      send.accept(forward(f.query().packet(), f.query(), Transport.UDP, started)));
    }
  }

  /** The handler's reply, counted unless it is a forward (counted when the recursor replied). */
  private Reply handle(byte[] packet, Transport transport, long started) {
    Reply reply;
    try {
      reply = handler.handle(packet, transport);
    } catch (RuntimeException e) {
      return failed(e, packet);
    }
    return counted(reply, transport, started);
  }

  private Reply failed(RuntimeException e, byte[] packet) {
    metrics.failed();
    failures.failed("DNS query failed", e, packet.length);
    return Reply.Drop.INSTANCE;
  }

  /** The listeners have stopped: reports failures not logged yet. */
  void close() {
    failures.close();
  }

  private Reply counted(Reply reply, Transport transport, long started) {
    switch (reply) {
      case Reply.Send s ->
          metrics.answered(
              s.type(), s.rcode(), s.truncated(), transport, System.nanoTime() - started);
      case Reply.Drop d -> metrics.dropped();
      case Reply.Forward f -> {}
    }
    return reply;
  }

  /** The recursor's reply, or SERVFAIL when none answered or too many forwards are waiting. */
  private byte[] forward(byte[] packet, Query query, Transport transport, long started) {
    Optional<byte[]> reply = Optional.empty();
    if (forwards.tryAcquire()) {
      try {
        reply = forwarder.flatMap(f -> f.exchange(packet, transport));
      } finally {
        forwards.release();
      }
    }
    byte[] bytes = reply.orElseGet(() -> handler.serverFailure(query, transport).message());
    boolean truncated = (bytes[2] & 0x02) != 0;
    metrics.answered(
        query.type(), bytes[3] & 0x0f, truncated, transport, System.nanoTime() - started);
    return bytes;
  }
}
