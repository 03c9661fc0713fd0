package io.cairn.dns.net;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.dns.DnsMessages;
import io.cairn.dns.DnsSettings;
import io.cairn.dns.answer.DnsAnswerTable;
import io.cairn.dns.answer.QueryHandler;
import io.cairn.dns.answer.Reply;
import io.cairn.dns.wire.ParsedQuery;
import io.cairn.dns.wire.QueryParser;
import io.cairn.dns.wire.Transport;
import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.fuzz.FuzzRun;
import io.cairn.registry.fuzz.Mutator;
import io.cairn.registry.model.ServiceInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Mutated and random packets through the query parser and the answerer, without sockets: each one
 * is dropped or gets a reply that dnsjava reads, with the query's id, and nothing fails.
 */
class DnsFuzzTest {
  private Registry registry;
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

  @BeforeEach
  void open() {
    registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
    for (int i = 1; i <= 3; i++) {
      registry.apply(
          RegisterInstance.of(
              ServiceInstance.builder("web-" + i, "web")
                  .address(i == 3 ? "2001:db8::3" : "10.0.0." + i)
                  .port(8080 + i)
                  .tags("v" + i)
                  .build()));
    }
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("db-1", "db").address("db1.example.com").port(5432).build()));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  /**
   * Real queries built with dnsjava, over every name shape and type the server answers; with fixed
   * ids (dnsjava picks random ones), so a seed replays exactly.
   */
  static List<byte[]> seeds() {
    List<Message> queries = new ArrayList<>();
    String[] names = {
      "web.service.cairn.",
      "v1.web.service.cairn.",
      "_web._tcp.service.cairn.",
      "db.service.consul.",
      "web-1.node.cairn.",
      "cairn.",
      "1.0.0.10.in-addr.arpa.",
      "example.org.",
      "nope.service.cairn."
    };
    int[] types = {Type.A, Type.AAAA, Type.SRV, Type.PTR, Type.SOA, Type.NS, Type.ANY, Type.TXT};
    for (String name : names) {
      for (int type : types) {
        queries.add(DnsMessages.query(name, type));
      }
      queries.add(DnsMessages.queryWithEdns(name, Type.SRV, 4096));
      queries.add(DnsMessages.queryWithEdns(name, Type.A, 512));
    }
    List<byte[]> seeds = new ArrayList<>();
    for (int i = 0; i < queries.size(); i++) {
      queries.get(i).getHeader().setID(0x1000 + i);
      seeds.add(DnsMessages.wire(queries.get(i)));
    }
    return seeds;
  }

  @Test
  @Timeout(60)
  void everyPacketIsAnsweredWellFormedOrDropped() {
    DnsSettings settings = DnsSettings.builder().altDomain(Optional.of("consul")).build();
    DnsAnswerTable table = DnsAnswerTable.build(registry.snapshot(), settings);
    QueryHandler handler = new QueryHandler(() -> table, () -> new Random(3));
    DnsMetrics metrics = new DnsMetrics(meters);
    Answerer answerer = new Answerer(handler, Optional.empty(), metrics);
    FuzzRun run = FuzzRun.of("dns-packets", 20261124L, 30_000);
    Map<String, Integer> outcomes =
        run.run(
            seed -> new Mutator(new Random(seed), seeds(), List.of()),
            packet -> {
              ParsedQuery parsed = QueryParser.parse(packet);
              Transport transport = packet.length % 2 == 0 ? Transport.UDP : Transport.TCP;
              // The handler directly, so a bug is an exception here, not a counted drop.
              Reply direct = handler.handle(packet, transport);
              Optional<byte[]> reply = answerer.answer(packet, transport, System.nanoTime());
              if (reply.isEmpty()) {
                assertThat(direct).isEqualTo(Reply.Drop.INSTANCE);
                return "dropped (" + parsed.getClass().getSimpleName() + ")";
              }
              Message message = DnsMessages.parse(reply.get());
              assertThat(message.getHeader().getID())
                  .isEqualTo(((packet[0] & 0xff) << 8) | (packet[1] & 0xff));
              assertThat(message.getHeader().getFlag(Flags.QR)).isTrue();
              assertThat(reply.get().length).isLessThanOrEqualTo(65_535);
              if (transport == Transport.UDP && parsed instanceof io.cairn.dns.wire.Query q) {
                int limit = q.edns().map(e -> e.udpLimit()).orElse(512);
                assertThat(reply.get().length).isLessThanOrEqualTo(limit);
              }
              return Rcode.string(message.getRcode());
            });
    assertThat(outcomes).containsKeys("NOERROR", "NXDOMAIN", "FORMERR", "NOTIMP");
    assertThat(meters.find("cairn.dns.failures").counter().count()).isZero();
  }
}
