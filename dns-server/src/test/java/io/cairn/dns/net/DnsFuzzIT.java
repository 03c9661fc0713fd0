package io.cairn.dns.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.dns.DnsMessages;
import io.cairn.dns.DnsSettings;
import io.cairn.dns.RunningDns;
import io.cairn.registry.fuzz.FuzzRun;
import io.cairn.registry.fuzz.Mutator;
import io.cairn.registry.fuzz.ThreadCounts;
import java.io.DataOutputStream;
import java.io.InputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * The fuzz corpus of {@link DnsFuzzTest} over real UDP and TCP sockets, with TCP connections that
 * stop mid-frame or are dropped: afterwards the server answers over both, counted no failure, and
 * holds no more threads than before.
 */
class DnsFuzzIT {
  @TempDir Path dir;

  @Test
  @Timeout(90)
  void aBarrageOverUdpAndTcpLeavesTheServerAnsweringWithNoExtraThreads() throws Exception {
    try (RunningDns dns = new RunningDns(dir, DnsSettings.builder())) {
      dns.register("web-1", "web", "10.0.0.1", 80);
      dns.awaitTable();
      assertThat(DnsMessages.answers(dns.ask("web.service.cairn.", Type.A))).hasSize(1);
      int baseline = ThreadCounts.live();
      InetSocketAddress udp = new InetSocketAddress("127.0.0.1", dns.server.udpPort());

      FuzzRun udpRun = FuzzRun.of("dns-udp", 20261124L, 5_000);
      try (DatagramSocket socket = new DatagramSocket()) {
        udpRun.run(
            seed -> new Mutator(new Random(seed), DnsFuzzTest.seeds(), List.of()),
            packet -> {
              byte[] sent = packet.length > 65_507 ? java.util.Arrays.copyOf(packet, 512) : packet;
              socket.send(new DatagramPacket(sent, sent.length, udp));
              return "sent";
            });
      }

      FuzzRun tcpRun = FuzzRun.of("dns-tcp", 20261125L, 300);
      tcpRun.run(
          seed -> new Mutator(new Random(seed), DnsFuzzTest.seeds(), List.of()),
          packet -> {
            try (Socket s = new Socket()) {
              s.connect(new InetSocketAddress("127.0.0.1", dns.server.tcpPort()), 2000);
              s.setSoTimeout(5000);
              DataOutputStream out = new DataOutputStream(s.getOutputStream());
              switch (packet.length % 4) {
                case 0 -> {
                  out.writeShort(packet.length & 0xffff);
                  out.write(packet);
                }
                case 1 -> out.write(packet); // no length prefix
                case 2 -> {
                  // The prefix promises more than comes, then the client vanishes.
                  out.writeShort(Math.min(65_535, packet.length + 100));
                  out.write(packet);
                  out.flush();
                  s.setSoLinger(true, 0); // RST, not FIN
                  return "reset";
                }
                default -> {
                  out.write(packet.length > 0 ? packet[0] : 0); // half a prefix
                  out.flush();
                  return "dropped";
                }
              }
              out.flush();
              s.shutdownOutput();
              return drain(s.getInputStream());
            }
          });

      Message ok =
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(() -> dns.ask("web.service.cairn.", Type.A), m -> true);
      assertThat(DnsMessages.answers(ok)).hasSize(1);
      SimpleResolver tcp = dns.resolver();
      tcp.setTCP(true);
      Message overTcp = tcp.send(DnsMessages.query("web.service.cairn.", Type.A));
      assertThat(DnsMessages.answers(overTcp)).hasSize(1);
      assertThat(dns.count("cairn.dns.failures")).isZero();
      int after = ThreadCounts.settleTo(baseline, 2, Duration.ofSeconds(10));
      System.out.printf("dns threads: baseline=%d after=%d%n", baseline, after);
      assertThat(after).isLessThanOrEqualTo(baseline + 2);
      // A GC first: the gauge once read NaN after one, its supplier held only weakly.
      System.gc();
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(15))
          .until(() -> dns.meters.get("cairn.dns.tcp.connections").gauge().value() == 0);
    }
  }

  /** "answered" or "closed": reads until the server closes; a hang fails the run. */
  private static String drain(InputStream in) throws Exception {
    byte[] buf = new byte[4096];
    int total = 0;
    try {
      for (int n; (n = in.read(buf)) >= 0; ) {
        total += n;
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server neither answered nor closed", e);
    } catch (java.net.SocketException e) {
      // reset by the server
    }
    return total > 0 ? "answered" : "closed";
  }
}
