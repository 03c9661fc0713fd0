package io.cairn.dns.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import org.junit.jupiter.api.Test;

class DnsMetricsTest {
  @Test
  void theTcpConnectionGaugeStillReadsAfterAGarbageCollection() {
    SimpleMeterRegistry meters = new SimpleMeterRegistry();
    Set<Object> open = ConcurrentHashMap.newKeySet();
    open.add(new Object());
    new DnsMetrics(meters).tcpConnections(open::size);
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    assertThat(meters.get("cairn.dns.tcp.connections").gauge().value()).isEqualTo(1.0);
  }
}
