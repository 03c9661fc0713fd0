package io.cairn.dns.net;

import io.cairn.dns.DnsSettings;
import io.cairn.dns.answer.QueryHandler;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.BindException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * The UDP and TCP listeners on one port. With port 0 the UDP socket picks a free port and TCP binds
 * the same number (trying again with another if TCP's is taken).
 */
public final class DnsListeners implements AutoCloseable {
  private static final int BIND_ATTEMPTS = 5;

  private final UdpListener udp;
  private final TcpListener tcp;

  private DnsListeners(UdpListener udp, TcpListener tcp) {
    this.udp = udp;
    this.tcp = tcp;
  }

  /** Binds and starts both listeners; returns once both sockets are bound. */
  public static DnsListeners start(DnsSettings settings, QueryHandler handler, DnsMetrics metrics) {
    Optional<Forwarder> forwarder =
        settings.recursors().isEmpty()
            ? Optional.empty()
            : Optional.of(new Forwarder(settings.recursors(), settings.recursorTimeout()));
    Answerer answerer = new Answerer(handler, forwarder, metrics);
    for (int attempt = 1; ; attempt++) {
      UdpListener udp = null;
      try {
        udp =
            UdpListener.start(
                new InetSocketAddress(settings.address(), settings.port()),
                settings.udpWorkers(),
                answerer);
        TcpListener tcp =
            TcpListener.start(
                new InetSocketAddress(settings.address(), udp.port()),
                answerer,
                settings.tcpIdleTimeout(),
                settings.tcpWriteTimeout(),
                settings.tcpMaxConnections(),
                metrics);
        return new DnsListeners(udp, tcp);
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
  }
}
