package io.cairn.dns;

import io.cairn.registry.Core;
import io.cairn.registry.Registry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.store.sqlite.SqliteStore;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;

/**
 * A real registry on SQLite in a directory and a DNS server on free loopback ports, for integration
 * tests; queries go through dnsjava's resolver over real sockets.
 */
public final class RunningDns implements AutoCloseable {
  public final Registry registry;
  public final DnsServer server;
  public final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  public RunningDns(Path dataDir, DnsSettings.Builder settings) {
    registry = Registry.open(SqliteStore.open(dataDir), meters);
    try {
      server =
          DnsServer.start(settings.address("127.0.0.1").port(0).build(), Core.of(registry, meters));
    } catch (RuntimeException e) {
      registry.close();
      throw e;
    }
  }

  public void register(String id, String name, String address, int port, String... tags) {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder(id, name).address(address).port(port).tags(tags).build()));
  }

  /** A resolver for this server: UDP with EDNS off, falling back to TCP on TC, 2 s timeout. */
  public SimpleResolver resolver() {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", server.udpPort()));
    r.setEDNS(-1, 0, 0, java.util.List.of());
    r.setTimeout(Duration.ofSeconds(2));
    return r;
  }

  public Message ask(String name, int type) throws Exception {
    return resolver().send(DnsMessages.query(name, type));
  }

  /** Waits until the answer table has caught up with the registry. */
  public void awaitTable() {
    long index = registry.snapshot().index();
    org.awaitility.Awaitility.await()
        .pollInterval(Duration.ofMillis(1))
        .atMost(Duration.ofSeconds(5))
        .until(() -> server.table().index() >= index);
  }

  /** The count of a meter, 0 when it does not exist. */
  public double count(String meter, String... tags) {
    var search = meters.find(meter).tags(tags);
    var timer = search.timers().stream().mapToLong(t -> t.count()).sum();
    var counters = search.counters().stream().mapToDouble(c -> c.count()).sum();
    return timer + counters;
  }

  @Override
  public void close() {
    server.close();
    registry.close();
  }
}
