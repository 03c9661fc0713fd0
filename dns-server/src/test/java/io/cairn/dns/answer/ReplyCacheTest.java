package io.cairn.dns.answer;

import static io.cairn.dns.DnsMessages.answers;
import static io.cairn.dns.DnsMessages.parse;
import static io.cairn.dns.DnsMessages.query;
import static io.cairn.dns.DnsMessages.queryWithEdns;
import static io.cairn.dns.DnsMessages.truncated;
import static io.cairn.dns.DnsMessages.wire;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.dns.DnsSettings;
import io.cairn.dns.wire.Transport;
import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.Weights;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The UDP reply cache against the uncached path: same bytes, a new table seen at once. */
class ReplyCacheTest {
  private final DnsSettings settings =
      DnsSettings.builder().altDomain(Optional.of("consul")).build();
  private final AtomicReference<DnsAnswerTable> table = new AtomicReference<>();
  private Registry registry;
  private QueryHandler handler;

  @BeforeEach
  void open() {
    registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
    register("web-1", "web", "10.0.0.1", 8080);
    register("v6-1", "v6", "2001:db8::1", 8080);
    register("db-1", "db", "db1.example.com", 5432);
    for (int i = 1; i <= 3; i++) {
      register("multi-" + i, "multi", "10.1.0." + i, 9000 + i);
    }
    for (int i = 1; i <= 40; i++) {
      register("big-" + i, "big", "10.2.0." + i, 7000);
    }
    refresh();
    handler = new QueryHandler(table::get);
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void aCachedReplyIsByteForByteTheUncachedOne() {
    List<String> names =
        List.of(
            "web.service.cairn.",
            "WeB.SeRvIcE.CaIrN.",
            "web.service.consul.",
            "v6.service.cairn.",
            "db.service.cairn.",
            "nope.service.cairn.",
            "NOPE.service.CAIRN.",
            "cairn.",
            "10.0.0.1.addr.cairn.",
            "1.0.0.10.in-addr.arpa.",
            "example.org.");
    int[] types = {Type.A, Type.AAAA, Type.SRV, Type.SOA, Type.NS, Type.TXT, Type.PTR, Type.ANY};
    int hits = 0;
    for (String name : names) {
      for (int type : types) {
        for (Message m : variants(name, type)) {
          byte[] packet = wire(m);
          // Fill the cache from another spelling, id and RD of the same question.
          byte[] other = spelledOtherwise(packet);
          Exchange first = ask(other);
          assertThat(first.bytes()).isEqualTo(uncached(other));
          Exchange again = ask(packet);
          assertThat(again.bytes())
              .as("%s %s %s", name, Type.string(type), m)
              .isEqualTo(uncached(packet));
          hits += again.hit() ? 1 : 0;
        }
      }
    }
    assertThat(hits).isEqualTo(names.size() * types.length * 4);
  }

  @Test
  void repliesShuffledOverMoreThanFourRecordsAreNotCached() {
    byte[] large = wire(queryWithEdns("big.service.cairn.", Type.A, 4096));
    for (int i = 0; i < 20; i++) {
      Exchange full = ask(large);
      assertThat(full.hit()).isFalse();
      assertThat(answers(parse(full.bytes()))).hasSize(40);
    }
  }

  @Test
  void truncatedAndClientSubnetRepliesAreNotCached() throws Exception {
    byte[] plain = wire(query("big.service.cairn.", Type.A));
    assertThat(truncated(parse(ask(plain).bytes()))).isTrue();
    assertThat(ask(plain).hit()).isFalse();

    Message ecs = query("web.service.cairn.", Type.A);
    ecs.addRecord(
        new OPTRecord(
            1232, 0, 0, 0, List.of(new ClientSubnetOption(24, InetAddress.getByName("192.0.2.0")))),
        Section.ADDITIONAL);
    byte[] packet = wire(ecs);
    assertThat(ask(packet).bytes()).isEqualTo(uncached(packet));
    assertThat(ask(packet).hit()).isFalse();
  }

  @Test
  void aNewTableIsAnsweredAtTheNextQuery() {
    byte[] packet = wire(query("web.service.cairn.", Type.A));
    ask(packet);
    assertThat(ask(packet).hit()).isTrue();
    assertThat(addresses(ask(packet).bytes())).containsExactly("10.0.0.1");

    register("web-1", "web", "10.0.0.9", 8080);
    refresh();

    Exchange after = ask(packet);
    assertThat(addresses(after.bytes())).containsExactly("10.0.0.9");
    assertThat(after.bytes()).isEqualTo(uncached(packet));
    assertThat(ask(packet).hit()).isTrue();
  }

  @Test
  void aShuffledReplyIsOneOfTheUncachedOrdersAndEveryOrderComesUp() {
    byte[] packet = wire(queryWithEdns("multi.service.cairn.", Type.SRV, 1232));
    Set<String> uncachedOrders = new HashSet<>();
    for (int i = 0; i < 600; i++) {
      uncachedOrders.add(HexFormat.of().formatHex(uncached(packet)));
    }
    assertThat(uncachedOrders).hasSize(6); // 3! orders of equal weights
    Set<String> cachedOrders = new HashSet<>();
    int hits = 0;
    for (int i = 0; i < 600; i++) {
      Exchange e = ask(packet);
      hits += e.hit() ? 1 : 0;
      cachedOrders.add(HexFormat.of().formatHex(e.bytes()));
    }
    assertThat(cachedOrders).isEqualTo(uncachedOrders);
    assertThat(hits).isEqualTo(599);
  }

  @Test
  void eachCachedReplyIsAFreshWeightedDraw() {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("w-heavy", "weighted")
                .address("10.3.0.1")
                .port(80)
                .weights(new Weights(3, 1))
                .build()));
    register("w-light", "weighted", "10.3.0.2", 80);
    refresh();
    byte[] packet = wire(query("weighted.service.cairn.", Type.A));
    int heavyFirst = 0;
    int trials = 4000;
    for (int i = 0; i < trials; i++) {
      if (answers(parse(ask(packet).bytes())).getFirst().rdataToString().equals("10.3.0.1")) {
        heavyFirst++;
      }
    }
    assertThat(ask(packet).hit()).isTrue();
    // 3 / (3 + 1) = 0.75; four standard deviations are about 0.027.
    assertThat(heavyFirst / (double) trials).isBetween(0.72, 0.78);
  }

  // ---- helpers ----

  private record Exchange(byte[] bytes, boolean hit) {}

  private Exchange ask(byte[] packet) {
    UdpExchange x = new UdpExchange();
    System.arraycopy(packet, 0, x.buffer(), 0, packet.length);
    x.received(packet.length);
    if (handler.answerFromCache(x)) {
      return new Exchange(Arrays.copyOf(x.reply(), x.replyLength()), true);
    }
    return new Exchange(((Reply.Send) handler.handle(x)).message(), false);
  }

  private byte[] uncached(byte[] packet) {
    DnsAnswerTable current = table.get();
    return ((Reply.Send) new QueryHandler(() -> current).handle(packet, Transport.UDP)).message();
  }

  /** The question without EDNS, with EDNS at 1232 and 4096, with DO; RD set and clear. */
  private static List<Message> variants(String name, int type) {
    List<Message> out = new ArrayList<>();
    out.add(query(name, type));
    Message noRecursion = query(name, type);
    noRecursion.getHeader().unsetFlag(Flags.RD);
    out.add(noRecursion);
    out.add(queryWithEdns(name, type, 1232));
    Message dnssec = query(name, type);
    dnssec.addRecord(new OPTRecord(4096, 0, 0, Flags.DO), Section.ADDITIONAL);
    dnssec.getHeader().unsetFlag(Flags.RD);
    out.add(dnssec);
    return out;
  }

  /** The same question, its name's case flipped, with another id and RD flipped. */
  private static byte[] spelledOtherwise(byte[] packet) {
    byte[] other = packet.clone();
    other[0] ^= 0x5a;
    other[1] ^= 0x3c;
    other[2] ^= 0x01;
    for (int at = 12; other[at] != 0; at += 1 + other[at]) {
      for (int k = at + 1; k <= at + other[at]; k++) {
        if (Character.isLetter(other[k])) {
          other[k] ^= 0x20;
        }
      }
    }
    return other;
  }

  private static List<String> addresses(byte[] reply) {
    return answers(parse(reply)).stream().map(Record::rdataToString).toList();
  }

  private void refresh() {
    table.set(DnsAnswerTable.build(registry.snapshot(), settings));
  }

  private void register(String id, String name, String address, int port) {
    registry.apply(
        RegisterInstance.of(ServiceInstance.builder(id, name).address(address).port(port).build()));
  }
}
