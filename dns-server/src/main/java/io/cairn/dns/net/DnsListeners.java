package io.cairn.dns.net;

import io.cairn.dns.DnsSettings;
import io.cairn.dns.answer.QueryHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Optional;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The UDP and TCP listeners on one port. With port 0 the UDP socket picks a free port and TCP binds
 * the same number (trying again with another if TCP's is taken).
 */
public final class DnsListeners implements AutoCloseable {
  private static final int BIND_ATTEMPTS = 5;

  private static final Logger log = LoggerFactory.getLogger(DnsListeners.class);

  private final UdpFrontEnd udp;
  private final TcpListener tcp;
  private final Answerer answerer;

  private DnsListeners(UdpFrontEnd udp, TcpListener tcp, Answerer answerer) {
    this.udp = udp;
    this.tcp = tcp;
    this.answerer = answerer;
  }

  /** Binds and starts both listeners; returns once both sockets are bound. */
  public static DnsListeners start(DnsSettings settings, QueryHandler handler, DnsMetrics metrics) {
    Optional<Forwarder> forwarder =
        settings.recursors().isEmpty()
            ? Optional.empty()
            : Optional.of(new Forwarder(settings.recursors(), settings.recursorTimeout()));
    Answerer answerer = new Answerer(handler, forwarder, metrics);
    Optional<String> unbatched =
        settings.udpBatch() == DnsSettings.UdpBatch.OFF
            ? Optional.of("dns.udp-batch is off")
            : BatchedUdpListener.unavailable();
    int workers =
        settings.udpWorkersFor(unbatched.isEmpty(), Runtime.getRuntime().availableProcessors());
    for (int attempt = 1; ; attempt++) {
      UdpFrontEnd udp = null;
      try {
        udp = startUdp(settings, unbatched.isEmpty(), workers, answerer);
        TcpListener tcp =
            TcpListener.start(
                new InetSocketAddress(settings.address(), udp.port()),
                answerer,
                settings.tcpIdleTimeout(),
                settings.tcpWriteTimeout(),
                settings.tcpMaxConnections(),
                metrics);
        log.atInfo()
            .addKeyValue("port", udp.port())
            .addKeyValue("workers", workers)
            .addKeyValue("calls", unbatched.isEmpty() ? "recvmmsg/sendmmsg" : "receive/send")
            .addKeyValue("why", unbatched.orElse("available"))
            .log(
                unbatched.isEmpty()
                    ? "DNS over UDP receives and sends in batches"
                    : "DNS over UDP receives and sends one datagram per call");
        return new DnsListeners(udp, tcp, answerer);
      } catch (BindException e) {
        if (udp != null) {
          udp.close();
        }
        if (settings.port() != 0 || attempt == BIND_ATTEMPTS) {
          throw new UncheckedIOException(
              "cannot bind DNS to " + settings.address() + ":" + settings.port(), e);
        }
      } catch (IOException e) {
        if (udp != null) {
          udp.close();
        }
        throw new UncheckedIOException(
            "cannot bind DNS to " + settings.address() + ":" + settings.port(), e);
      }
    }
  }

  private static UdpFrontEnd startUdp(
      DnsSettings settings, boolean batched, int workers, Answerer answerer) throws IOException {
    InetSocketAddress address = new InetSocketAddress(settings.address(), settings.port());
    return batched
        ? BatchedUdpListener.start(address, workers, answerer)
        : UdpListener.start(address, workers, answerer);
  }

  public int udpPort() {
    return udp.port();
  }

  public int tcpPort() {
    return tcp.port();
  }

  /** Stops accepting, closes open TCP connections, waits for the UDP loops. */
  @Override
  public void close() {
    tcp.close();
    udp.close();
    answerer.close();
  }
}
