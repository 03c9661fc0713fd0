package io.cairn.dns;

import static io.cairn.dns.DnsMessages.answers;
import static io.cairn.dns.DnsMessages.query;
import static io.cairn.dns.DnsMessages.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.EOFException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/** Bad packets, idle and surplus TCP connections, and recursors, over real sockets. */
class DnsRobustnessIT {
  @TempDir Path dir;

  @Test
  void fuzzedUdpPacketsNeverStopTheServer() throws Exception {
    try (RunningDns dns = withWeb(DnsSettings.builder())) {
      Random random = new Random(99);
      byte[] seed = wire(DnsMessages.queryWithEdns("_web._tcp.service.cairn.", Type.SRV, 4096));
      InetSocketAddress to = new InetSocketAddress("127.0.0.1", dns.server.udpPort());
      try (DatagramSocket socket = new DatagramSocket()) {
        for (int i = 0; i < 20_000; i++) {
          byte[] packet = mutate(seed, random);
          socket.send(new DatagramPacket(packet, packet.length, to));
        }
      }
      // The flood may still be queued in the socket buffers on a loaded machine: the server must
      // work through it and answer, however long the backlog takes to drain.
      Message ok =
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(30))
              .ignoreExceptions()
              .until(() -> dns.ask("web.service.cairn.", Type.A), m -> true);
      assertThat(answers(ok)).hasSize(1);
      assertThat(dns.count("cairn.dns.failures")).isZero();
      assertThat(dns.count("cairn.dns.queries", "rcode", "FORMERR")).isPositive();
    }
  }

  @Test
  void fuzzedTcpStreamsAreAnsweredOrClosed() throws Exception {
    try (RunningDns dns = withWeb(DnsSettings.builder())) {
      Random random = new Random(5);
      byte[] seed = wire(query("web.service.cairn.", Type.A));
      for (int i = 0; i < 300; i++) {
        try (Socket s = connect(dns)) {
          s.setSoTimeout(2000);
          DataOutputStream out = new DataOutputStream(s.getOutputStream());
          byte[] junk = mutate(seed, random);
          if (i % 3 == 0) {
            out.write(junk); // no length prefix: garbage framing
          } else {
            out.writeShort(junk.length);
            out.write(junk);
          }
          out.flush();
          s.shutdownOutput();
          drain(s.getInputStream()); // a reply or EOF, never a hang
        }
      }
      try (Socket s = connect(dns)) {
        s.getOutputStream().write(new byte[] {0x10, 0x00, 1, 2, 3}); // promises 4096 bytes
        s.shutdownOutput();
        assertThat(s.getInputStream().read()).isEqualTo(-1);
      }
      assertThat(answers(dns.ask("web.service.cairn.", Type.A))).hasSize(1);
      assertThat(dns.count("cairn.dns.failures")).isZero();
    }
  }

  @Test
  void tcpCarriesSeveralQueriesAndClosesIdleConnections() throws Exception {
    try (RunningDns dns = withWeb(DnsSettings.builder().tcpIdleTimeout(Duration.ofMillis(300)))) {
      try (Socket s = connect(dns)) {
        s.setSoTimeout(5000);
        DataOutputStream out = new DataOutputStream(s.getOutputStream());
        DataInputStream in = new DataInputStream(s.getInputStream());
        for (int i = 0; i < 3; i++) {
          byte[] q = wire(query("web.service.cairn.", Type.A));
          out.writeShort(q.length);
          out.write(q);
          out.flush();
          byte[] reply = new byte[in.readUnsignedShort()];
          in.readFully(reply);
          assertThat(answers(DnsMessages.parse(reply))).hasSize(1);
        }
        long idleSince = System.nanoTime();
        assertThat(in.read()).as("closed by the server").isEqualTo(-1);
        assertThat((System.nanoTime() - idleSince) / 1e6).isBetween(200.0, 3000.0);
      }
    }
  }

  @Test
  void connectionsBeyondTheCapAreClosed() throws Exception {
    try (RunningDns dns = new RunningDns(dir, DnsSettings.builder().tcpMaxConnections(4))) {
      List<Socket> open = new ArrayList<>();
      try {
        for (int i = 0; i < 4; i++) {
          open.add(connect(dns));
        }
        org.awaitility.Awaitility.await()
            .atMost(Duration.ofSeconds(5))
            .until(() -> dns.meters.get("cairn.dns.tcp.connections").gauge().value() == 4);
        try (Socket surplus = connect(dns)) {
          surplus.setSoTimeout(5000);
          assertThat(surplus.getInputStream().read()).isEqualTo(-1);
        }
        assertThat(dns.count("cairn.dns.tcp.refused")).isEqualTo(1);
      } finally {
        for (Socket s : open) {
          s.close();
        }
      }
      // Closed connections free their slots.
      org.awaitility.Awaitility.await()
          .atMost(Duration.ofSeconds(5))
          .until(() -> dns.meters.get("cairn.dns.tcp.connections").gauge().value() == 0);
      org.xbill.DNS.SimpleResolver tcp = dns.resolver();
      tcp.setTCP(true);
      assertThat(tcp.send(query("cairn.", Type.SOA)).getRcode()).isEqualTo(Rcode.NOERROR);
    }
  }

  @Test
  void clientsThatNeverReadCannotHoldTheTcpListener() throws Exception {
    int cap = 16;
    try (RunningDns dns =
        new RunningDns(
            dir,
            DnsSettings.builder()
                .tcpMaxConnections(cap)
                .tcpIdleTimeout(Duration.ofMinutes(5))
                .tcpWriteTimeout(Duration.ofSeconds(1)))) {
      for (int i = 0; i < 250; i++) {
        dns.register("big-" + i, "big", "10.1." + (i / 200) + "." + (i % 200 + 1), 8000 + i);
      }
      dns.awaitTable();
      byte[] q = wire(DnsMessages.queryWithEdns("_big._tcp.service.cairn.", Type.SRV, 4096));
      List<Socket> stuck = new ArrayList<>();
      try {
        // Each asks for an 18 KB answer 400 times and never reads one: the server's writes block
        // once the socket buffers (at most 4 MB here) are full.
        for (int i = 0; i < cap; i++) {
          Socket s = new Socket();
          s.setReceiveBufferSize(1024);
          s.connect(new InetSocketAddress("127.0.0.1", dns.server.tcpPort()), 2000);
          stuck.add(s);
          DataOutputStream out = new DataOutputStream(s.getOutputStream());
          for (int j = 0; j < 400; j++) {
            out.writeShort(q.length);
            out.write(q);
          }
          out.flush();
        }
        org.xbill.DNS.SimpleResolver tcp = dns.resolver();
        tcp.setTCP(true);
        Message answered =
            org.awaitility.Awaitility.await()
                .atMost(Duration.ofSeconds(30))
                .ignoreExceptions()
                .until(() -> tcp.send(query("web.service.cairn.", Type.A)), m -> true);
        assertThat(answered.getRcode()).isEqualTo(Rcode.NXDOMAIN);
        assertThat(dns.count("cairn.dns.tcp.timeouts")).isPositive();
      } finally {
        for (Socket s : stuck) {
          s.close();
        }
      }
    }
  }

  @Test
  void aSlowQueryIsCutOffAtTheIdleTimeoutEvenIfBytesTrickleIn() throws Exception {
    try (RunningDns dns = withWeb(DnsSettings.builder().tcpIdleTimeout(Duration.ofMillis(500)))) {
      try (Socket s = connect(dns)) {
        byte[] q =
            wire(query("a-long-label-so-that-the-query-takes-its-time.web.service.cairn.", 1));
        OutputStream out = s.getOutputStream();
        long start = System.nanoTime();
        double cutOffAfter = -1;
        // One byte every 200 ms: each read waits less than the timeout, the whole query far more.
        byte[] framed = new byte[q.length + 2];
        framed[1] = (byte) q.length;
        System.arraycopy(q, 0, framed, 2, q.length);
        for (int i = 0; i < framed.length - 1 && (System.nanoTime() - start) / 1e9 < 10; i++) {
          try {
            out.write(framed[i]);
            out.flush();
          } catch (java.io.IOException e) {
            cutOffAfter = (System.nanoTime() - start) / 1e9;
            break;
          }
          Thread.sleep(200);
        }
        assertThat(cutOffAfter).as("seconds until the server closed").isBetween(0.0, 6.0);
      }
    }
  }

  @Test
  void namesOutsideTheDomainGoToRecursors() throws Exception {
    Path upstreamDir = Files.createDirectory(dir.resolve("upstream"));
    Path cairnDir = Files.createDirectory(dir.resolve("cairn"));
    try (RunningDns upstream =
        new RunningDns(upstreamDir, DnsSettings.builder().domain("example"))) {
      upstream.register("www-1", "www", "192.0.2.7", 80);
      upstream.awaitTable();
      InetSocketAddress recursor = new InetSocketAddress("127.0.0.1", upstream.server.udpPort());
      try (RunningDns dns =
          new RunningDns(cairnDir, DnsSettings.builder().recursors(List.of(recursor)))) {
        Message forwarded = dns.ask("www.service.example.", Type.A);
        assertThat(forwarded.getRcode()).isEqualTo(Rcode.NOERROR);
        assertThat(answers(forwarded).getFirst().rdataToString()).isEqualTo("192.0.2.7");
        Message own = dns.ask("cairn.", Type.SOA);
        assertThat(own.getHeader().getFlag(Flags.RA)).isTrue();
        assertThat(own.getHeader().getFlag(Flags.AA)).isTrue();

        org.xbill.DNS.SimpleResolver tcp = dns.resolver();
        tcp.setTCP(true);
        assertThat(answers(tcp.send(query("www.service.example.", Type.A)))).hasSize(1);
      }
    }
  }

  @Test
  void aSilentRecursorGivesServfailAfterTheTimeout() throws Exception {
    try (DatagramSocket silent = new DatagramSocket(0);
        RunningDns dns =
            new RunningDns(
                dir,
                DnsSettings.builder()
                    .recursors(List.of(new InetSocketAddress("127.0.0.1", silent.getLocalPort())))
                    .recursorTimeout(Duration.ofMillis(300)))) {
      long start = System.nanoTime();
      Message reply = dns.ask("example.org.", Type.A);
      assertThat(reply.getRcode()).isEqualTo(Rcode.SERVFAIL);
      assertThat((System.nanoTime() - start) / 1e6).isBetween(250.0, 1900.0);
      assertThat(answers(dns.ask("cairn.", Type.SOA))).hasSize(1);
    }
  }

  @Test
  void aSecondServerCannotShareThePort() throws Exception {
    Path first = Files.createDirectory(dir.resolve("first"));
    Path second = Files.createDirectory(dir.resolve("second"));
    try (RunningDns dns = new RunningDns(first, DnsSettings.builder().udpWorkers(2));
        io.cairn.registry.Registry other =
            io.cairn.registry.Registry.open(
                io.cairn.registry.store.sqlite.SqliteStore.open(second),
                new io.micrometer.core.instrument.simple.SimpleMeterRegistry())) {
      // The UDP sockets share their port with SO_REUSEPORT; TCP's listener keeps it exclusive.
      DnsSettings same = DnsSettings.builder().udpWorkers(2).port(dns.server.udpPort()).build();
      org.assertj.core.api.Assertions.assertThatThrownBy(
              () ->
                  DnsServer.start(
                      same,
                      io.cairn.registry.Core.of(
                          other, new io.micrometer.core.instrument.simple.SimpleMeterRegistry())))
          .isInstanceOf(java.io.UncheckedIOException.class)
          .hasMessageContaining("cannot bind DNS");
      dns.register("web-1", "web", "10.0.0.1", 80);
      dns.awaitTable();
      for (int i = 0; i < 50; i++) {
        assertThat(answers(dns.ask("web.service.cairn.", Type.A))).hasSize(1);
      }
    }
  }

  /** A running server whose registry has web-1 (10.0.0.1:80), answered already. */
  private RunningDns withWeb(DnsSettings.Builder settings) {
    RunningDns dns = new RunningDns(dir, settings);
    dns.register("web-1", "web", "10.0.0.1", 80);
    dns.awaitTable();
    return dns;
  }

  private static Socket connect(RunningDns dns) throws Exception {
    Socket s = new Socket();
    s.connect(new InetSocketAddress("127.0.0.1", dns.server.tcpPort()), 2000);
    return s;
  }

  private static void drain(InputStream in) throws Exception {
    byte[] buf = new byte[4096];
    try {
      while (in.read(buf) >= 0) {
        // read until the server closes
      }
    } catch (SocketTimeoutException e) {
      throw new AssertionError("the server neither answered nor closed", e);
    } catch (EOFException | java.net.SocketException e) {
      // closed
    }
  }

  private static byte[] mutate(byte[] seed, Random random) {
    if (random.nextInt(4) == 0) {
      byte[] junk = new byte[random.nextInt(100)];
      random.nextBytes(junk);
      return junk;
    }
    byte[] packet = seed.clone();
    for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
      packet[random.nextInt(packet.length)] = (byte) random.nextInt(256);
    }
    return Arrays.copyOf(packet, random.nextInt(packet.length + 8));
  }
}
