package io.cairn.dns;

import io.cairn.dns.answer.DnsAnswerTable;
import io.cairn.dns.answer.LiveAnswerTable;
import io.cairn.dns.answer.QueryHandler;
import io.cairn.dns.net.DnsListeners;
import io.cairn.dns.net.DnsMetrics;
import io.cairn.registry.Core;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The DNS front end: an answer table kept current from the registry, served over UDP and TCP. Start
 * it after the registry, close it before.
 */
public final class DnsServer implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(DnsServer.class);

  private final LiveAnswerTable table;
  private final DnsListeners listeners;
  private final AtomicBoolean closed = new AtomicBoolean();

  private DnsServer(LiveAnswerTable table, DnsListeners listeners) {
    this.table = table;
    this.listeners = listeners;
  }

  /** Builds the answer table and binds the sockets; returns once both are bound. */
  public static DnsServer start(DnsSettings settings, Core core) {
    LiveAnswerTable table =
        LiveAnswerTable.start(core.registry(), settings, core.meters(), core.acl());
    DnsListeners listeners;
    try {
      listeners =
          DnsListeners.start(settings, new QueryHandler(table), new DnsMetrics(core.meters()));
    } catch (RuntimeException e) {
      table.close();
      throw e;
    }
    log.atInfo()
        .addKeyValue("address", settings.address())
        .addKeyValue("udp-port", listeners.udpPort())
        .addKeyValue("tcp-port", listeners.tcpPort())
        .addKeyValue("domains", String.join(",", settings.domains()))
        .addKeyValue(
            "recursors",
            settings.recursors().isEmpty()
                ? "none"
                : settings.recursors().stream()
                    .map(DnsServer::hostPort)
                    .collect(java.util.stream.Collectors.joining(",")))
        .log("DNS listening");
    return new DnsServer(table, listeners);
  }

  /** {@code 10.0.0.2:53}, {@code [::1]:53}: as the recursors are given. */
  private static String hostPort(java.net.InetSocketAddress a) {
    String host = a.getHostString();
    return (host.contains(":") ? "[" + host + "]" : host) + ":" + a.getPort();
  }

  public int udpPort() {
    return listeners.udpPort();
  }

  public int tcpPort() {
    return listeners.tcpPort();
  }

  /** The answers being served now. */
  public DnsAnswerTable table() {
    return table.get();
  }

  /** Stops listening, then stops following the registry. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      listeners.close();
      table.close();
    }
  }
}
