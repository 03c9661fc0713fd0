package io.cairn.dns;

import static io.cairn.dns.DnsMessages.additional;
import static io.cairn.dns.DnsMessages.answers;
import static io.cairn.dns.DnsMessages.authority;
import static io.cairn.dns.DnsMessages.query;
import static io.cairn.dns.DnsMessages.truncated;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.Fixtures;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.Weights;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.xbill.DNS.Message;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Every query form over real UDP and TCP sockets, asked with dnsjava's resolver. */
class DnsServerIT {
  @TempDir Path dataDir;
  private RunningDns dns;

  @BeforeEach
  void start() {
    dns = new RunningDns(dataDir, DnsSettings.builder().altDomain(Optional.of("consul")));
    dns.register("web-1", "web", "10.0.0.1", 8080, "v1");
    dns.register("web-2", "web", "10.0.0.2", 8081, "v2");
    dns.register("web-3", "web", "2001:db8::3", 8082, "v1");
    dns.register("db-1", "db", "db1.example.com", 5432);
    dns.awaitTable();
  }

  @AfterEach
  void stop() {
    dns.close();
  }

  @Test
  void everyQueryForm() throws Exception {
    Message srv = dns.ask("web.service.cairn.", Type.SRV);
    assertThat(answers(srv)).hasSize(3).allMatch(SRVRecord.class::isInstance);
    assertThat(additional(srv)).hasSize(3);
    assertThat(answers(dns.ask("web.service.cairn.", Type.A)))
        .extracting(Record::rdataToString)
        .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    assertThat(answers(dns.ask("web.service.cairn.", Type.AAAA))).hasSize(1);
    assertThat(answers(dns.ask("v1.web.service.cairn.", Type.SRV))).hasSize(2);
    assertThat(answers(dns.ask("_web._tcp.service.cairn.", Type.SRV))).hasSize(3);
    assertThat(answers(dns.ask("_web._v2.service.cairn.", Type.SRV))).hasSize(1);
    assertThat(answers(dns.ask("web.service.consul.", Type.SRV))).hasSize(3);
    assertThat(answers(dns.ask("0a000002.addr.cairn.", Type.A)))
        .singleElement()
        .extracting(Record::rdataToString)
        .isEqualTo("10.0.0.2");
    assertThat(answers(dns.ask("2.0.0.10.in-addr.arpa.", Type.PTR)))
        .singleElement()
        .isInstanceOfSatisfying(
            PTRRecord.class,
            p -> assertThat(p.getTarget().toString()).isEqualTo("web.service.cairn."));
    assertThat(answers(dns.ask("db.service.cairn.", Type.A)).getFirst().getType())
        .isEqualTo(Type.CNAME);
    assertThat(answers(dns.ask("cairn.", Type.SOA))).singleElement().isInstanceOf(SOARecord.class);
    assertThat(answers(dns.ask("consul.", Type.NS))).hasSize(1);
  }

  @Test
  void sameAnswersOverTcp() throws Exception {
    SimpleResolver tcp = dns.resolver();
    tcp.setTCP(true);
    Message srv = tcp.send(query("web.service.cairn.", Type.SRV));
    assertThat(answers(srv)).hasSize(3);
    assertThat(dns.count("cairn.dns.queries", "transport", "tcp", "type", "SRV")).isEqualTo(1);
  }

  @Test
  void aRepeatedUdpQuestionIsAnsweredFromTheReplyCacheAndCounted() throws Exception {
    Message first = dns.ask("web.service.cairn.", Type.A);
    Message second = dns.ask("WEB.service.cairn.", Type.A);
    Message third = dns.ask("web.service.cairn.", Type.A);

    assertThat(dns.count("cairn.dns.reply.cache.hits")).isEqualTo(2);
    assertThat(dns.count("cairn.dns.queries", "transport", "udp", "type", "A")).isEqualTo(3);
    assertThat(second.getQuestion().getName().toString()).isEqualTo("WEB.service.cairn.");
    for (Message m : List.of(first, second, third)) {
      assertThat(answers(m))
          .extracting(Record::rdataToString)
          .containsExactlyInAnyOrder("10.0.0.1", "10.0.0.2");
    }
  }

  @Test
  void negativeAnswers() throws Exception {
    Message nx = dns.ask("nothing.service.cairn.", Type.SRV);
    assertThat(nx.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(authority(nx)).singleElement().isInstanceOf(SOARecord.class);
    Message noData = dns.ask("web.service.cairn.", Type.TXT);
    assertThat(noData.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answers(noData)).isEmpty();
    assertThat(authority(noData)).singleElement().isInstanceOf(SOARecord.class);
    assertThat(dns.ask("example.com.", Type.A).getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(dns.count("cairn.dns.queries", "rcode", "NXDOMAIN")).isEqualTo(1);
    assertThat(dns.count("cairn.dns.queries", "rcode", "REFUSED")).isEqualTo(1);
  }

  @Test
  void fiftyInstancesTruncateOverUdpAndTheResolverRetriesOverTcp() throws Exception {
    registerFiftyBigInstances();
    byte[] raw = udp(DnsMessages.wire(query("big.service.cairn.", Type.SRV)));
    assertThat(raw.length).isLessThanOrEqualTo(512);
    assertThat(truncated(DnsMessages.parse(raw))).isTrue();

    Message full = dns.ask("big.service.cairn.", Type.SRV);
    assertThat(truncated(full)).isFalse();
    assertThat(answers(full)).hasSize(50);
    assertThat(additional(full)).hasSize(50);
    assertThat(dns.count("cairn.dns.truncated", "transport", "udp")).isEqualTo(2);
    assertThat(dns.count("cairn.dns.queries", "transport", "tcp")).isEqualTo(1);
  }

  @Test
  void ednsBufferSizeIsHonoured() throws Exception {
    registerFiftyBigInstances();
    SimpleResolver edns = dns.resolver();
    edns.setEDNS(0, 4096, 0, List.of());
    edns.setIgnoreTruncation(true);
    Message large = edns.send(query("big.service.cairn.", Type.SRV));
    assertThat(truncated(large)).isFalse();
    assertThat(answers(large)).hasSize(50);
    assertThat(large.getOPT()).isNotNull();

    edns.setEDNS(0, 1232, 0, List.of());
    Message medium = edns.send(query("big.service.cairn.", Type.SRV));
    assertThat(truncated(medium)).isTrue();
    assertThat(medium.toWire().length).isLessThanOrEqualTo(1232);
    assertThat(answers(medium).size()).isBetween(10, 49);
  }

  @Test
  void weightsOrderAnswersOverTheWire() throws Exception {
    dns.registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("h", "weighted")
                .address("10.3.0.1")
                .port(80)
                .weights(new Weights(4, 1))
                .build()));
    dns.register("l", "weighted", "10.3.0.2", 80);
    dns.awaitTable();
    SimpleResolver resolver = dns.resolver();
    int heavyFirst = 0;
    int trials = 1000;
    for (int i = 0; i < trials; i++) {
      Message m = resolver.send(query("weighted.service.cairn.", Type.SRV));
      if (((SRVRecord) answers(m).getFirst()).getWeight() == 4) {
        heavyFirst++;
      }
    }
    // Expected 0.8; five standard deviations are 0.063.
    assertThat(heavyFirst / (double) trials).isBetween(0.73, 0.87);
  }

  @Test
  void anInstanceGoingCriticalLeavesTheAnswersAtOnce() throws Exception {
    dns.registry.apply(
        new RegisterInstance(
            ServiceInstance.builder("api-1", "api").address("10.2.0.1").port(80).build(),
            List.of(Fixtures.ttlCheck("api-1:ttl", "api-1", HealthStatus.PASSING)),
            false));
    dns.register("api-2", "api", "10.2.0.2", 80);
    dns.awaitTable();
    assertThat(answers(dns.ask("api.service.cairn.", Type.A))).hasSize(2);

    dns.registry.apply(new UpdateCheck("api-1:ttl", HealthStatus.CRITICAL, "down"));
    long failed = System.nanoTime();
    while (answers(dns.ask("api.service.cairn.", Type.A)).size() != 1) {
      assertThat((System.nanoTime() - failed) / 1e6).as("ms until it left").isLessThan(100);
    }
    assertThat(answers(dns.ask("api.service.cairn.", Type.A)))
        .singleElement()
        .extracting(Record::rdataToString)
        .isEqualTo("10.2.0.2");
    dns.registry.apply(new UpdateCheck("api-1:ttl", HealthStatus.PASSING, "up"));
    dns.awaitTable();
    assertThat(answers(dns.ask("api.service.cairn.", Type.A))).hasSize(2);
  }

  private void registerFiftyBigInstances() {
    for (int i = 0; i < 50; i++) {
      dns.register("big-" + i, "big", "10.1.0." + (i + 1), 9000 + i);
    }
    dns.awaitTable();
  }

  private byte[] udp(byte[] query) throws Exception {
    try (DatagramSocket socket = new DatagramSocket()) {
      socket.setSoTimeout(2000);
      socket.send(
          new DatagramPacket(
              query, query.length, new InetSocketAddress("127.0.0.1", dns.server.udpPort())));
      byte[] buf = new byte[65535];
      DatagramPacket in = new DatagramPacket(buf, buf.length);
      socket.receive(in);
      return java.util.Arrays.copyOf(buf, in.getLength());
    }
  }
}
