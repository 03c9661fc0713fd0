package io.cairn.dns.net;

import static io.cairn.dns.DnsMessages.answers;
import static io.cairn.dns.DnsMessages.query;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.dns.DnsSettings;
import io.cairn.dns.RunningDns;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * The UDP loops, batched ({@code recvmmsg}/{@code sendmmsg}) and not, under bursts from several
 * clients that each send many queries before reading any reply, so the kernel queues several per
 * receive. Runs on the packaged (multi-release) jar, as failsafe tests do.
 */
class BatchedUdpIT {
  private static final int SERVICES = 10;
  private static final int CLIENTS = 8;
  private static final int QUERIES_PER_CLIENT = 64;

  @TempDir Path dataDir;

  @Test
  void batchingIsAvailableOnLinuxWithJava22() {
    boolean linux = System.getProperty("os.name").toLowerCase(Locale.ROOT).startsWith("linux");
    boolean java22 = Runtime.version().feature() >= 22;
    if (linux && java22) {
      assertThat(BatchedUdpListener.unavailable()).isEmpty();
    } else {
      assertThat(BatchedUdpListener.unavailable()).isPresent();
    }
  }

  @ParameterizedTest
  @EnumSource(DnsSettings.UdpBatch.class)
  void aBurstFromManyClientsIsAnsweredWholeAndRight(DnsSettings.UdpBatch batch) throws Exception {
    try (RunningDns dns =
        new RunningDns(dataDir, DnsSettings.builder().udpBatch(batch).udpWorkers(2))) {
      for (int s = 0; s < SERVICES; s++) {
        dns.register("svc-" + s, "svc-" + s, "10.0.1." + s, 80);
      }
      dns.awaitTable();
      InetSocketAddress server = new InetSocketAddress("127.0.0.1", dns.server.udpPort());
      try (ExecutorService clients = Executors.newFixedThreadPool(CLIENTS)) {
        List<Future<Integer>> results = new ArrayList<>();
        for (int c = 0; c < CLIENTS; c++) {
          int client = c;
          results.add(clients.submit(() -> burst(server, client)));
        }
        for (Future<Integer> r : results) {
          assertThat(r.get()).isEqualTo(QUERIES_PER_CLIENT);
        }
      }
      assertThat(dns.count("cairn.dns.queries", "transport", "udp"))
          .isEqualTo(CLIENTS * QUERIES_PER_CLIENT);
    }
  }

  /** Sends all queries of one client, then reads every reply; returns how many were right. */
  private static int burst(InetSocketAddress server, int client) throws Exception {
    Map<Integer, String> expected = new HashMap<>();
    try (DatagramSocket socket = new DatagramSocket(new InetSocketAddress("127.0.0.1", 0))) {
      socket.setReceiveBufferSize(1 << 20);
      socket.setSoTimeout(5_000);
      for (int q = 0; q < QUERIES_PER_CLIENT; q++) {
        int service = (client + q) % SERVICES;
        Message m = query("svc-" + service + ".service.cairn.", Type.A);
        int id = client * QUERIES_PER_CLIENT + q;
        m.getHeader().setID(id);
        expected.put(id, "10.0.1." + service);
        byte[] wire = m.toWire();
        socket.send(new DatagramPacket(wire, wire.length, server));
      }
      int right = 0;
      byte[] buffer = new byte[65535];
      while (!expected.isEmpty()) {
        DatagramPacket packet = new DatagramPacket(buffer, buffer.length);
        socket.receive(packet);
        Message reply = new Message(java.util.Arrays.copyOf(buffer, packet.getLength()));
        String address = expected.remove(reply.getHeader().getID());
        assertThat(address).as("reply to a query this client sent").isNotNull();
        assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(reply)).extracting(Record::rdataToString).containsExactly(address);
        right++;
      }
      return right;
    }
  }

  @ParameterizedTest
  @EnumSource(DnsSettings.UdpBatch.class)
  void closingStopsTheLoopsPromptlyAndFreesThePort(DnsSettings.UdpBatch batch) throws Exception {
    RunningDns dns = new RunningDns(dataDir, DnsSettings.builder().udpBatch(batch).udpWorkers(2));
    int port = dns.server.udpPort();
    assertThat(answers(dns.ask("cairn.", Type.SOA))).hasSize(1);
    long started = System.nanoTime();
    dns.close();
    assertThat(Duration.ofNanos(System.nanoTime() - started)).isLessThan(Duration.ofSeconds(3));
    assertThat(Thread.getAllStackTraces().keySet())
        .extracting(Thread::getName)
        .noneMatch(name -> name.startsWith("dns-udp-"));
    try (DatagramSocket again = new DatagramSocket(new InetSocketAddress("127.0.0.1", port))) {
      assertThat(again.getLocalPort()).isEqualTo(port);
    }
  }
}
