package io.cairn.dns.answer;

import static io.cairn.dns.DnsMessages.additional;
import static io.cairn.dns.DnsMessages.answers;
import static io.cairn.dns.DnsMessages.authority;
import static io.cairn.dns.DnsMessages.name;
import static io.cairn.dns.DnsMessages.parse;
import static io.cairn.dns.DnsMessages.query;
import static io.cairn.dns.DnsMessages.wire;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.dns.DnsSettings;
import io.cairn.dns.wire.Transport;
import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.acl.Authorizer;
import io.cairn.registry.command.RegisterInstance;
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
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/**
 * The name forms Consul users type, against the reply builder without sockets: the {@code .dc}
 * datacenter label, RFC 2782 names without {@code service}, {@code addr} names for the other
 * address family, and names that are none of them.
 */
class ConsulNameFormsTest {
  private Registry registry;
  private DnsSettings settings =
      DnsSettings.builder()
          .altDomain(Optional.of("consul"))
          .node(new DnsSettings.Node("node-a", "10.9.8.7", "dc1", Map.of("rack", "r1")))
          .build();
  private Authorizer acl = Authorizer.ALLOW_ALL;

  @BeforeEach
  void open() {
    registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
    register(instance("web-1", "web", "10.0.0.1", 8080, "v1"));
    register(instance("web-2", "web", "10.0.0.2", 8081, "v2"));
    register(instance("web-3", "web", "2001:db8::3", 8082, "v1"));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void theDcLabelNamesCairnsDatacenter() {
    assertThat(answers(ask("web.service.dc1.dc.cairn.", Type.A))).hasSize(2);
    assertThat(answers(ask("v1.web.service.dc1.dc.cairn.", Type.SRV))).hasSize(2);
    assertThat(answers(ask("_web._tcp.service.dc1.dc.consul.", Type.SRV))).hasSize(3);
    assertThat(answers(ask("_web._v2.service.DC1.DC.cairn.", Type.SRV)))
        .singleElement()
        .isInstanceOfSatisfying(SRVRecord.class, r -> assertThat(r.getPort()).isEqualTo(8081));
    assertThat(answers(ask("node-a.node.dc1.dc.cairn.", Type.A)))
        .singleElement()
        .extracting(Record::rdataToString)
        .isEqualTo("10.9.8.7");
    assertThat(answers(ask("node-a.node.dc1.dc.cairn.", Type.TXT)))
        .singleElement()
        .extracting(r -> ((TXTRecord) r).getStrings())
        .isEqualTo(List.of("rack=r1"));
    assertThat(answers(ask("0a000001.addr.dc1.dc.cairn.", Type.A)))
        .singleElement()
        .extracting(Record::rdataToString)
        .isEqualTo("10.0.0.1");
    Message owner = ask("Web.Service.Dc1.Dc.Cairn.", Type.A);
    assertThat(answers(owner).getFirst().getName().toString())
        .isEqualTo("Web.Service.Dc1.Dc.Cairn.");
  }

  @Test
  void anotherDatacenterIsNxdomainInEveryForm() {
    for (String name :
        List.of(
            "web.service.dc2.cairn.",
            "web.service.dc2.dc.cairn.",
            "v1.web.service.dc2.dc.cairn.",
            "_web._tcp.service.dc2.dc.cairn.",
            "_web._tcp.dc2.cairn.",
            "_web._tcp.dc2.dc.cairn.",
            "node-a.node.dc2.cairn.",
            "node-a.node.dc2.dc.consul.",
            "0a000001.addr.dc2.cairn.",
            "0a000001.addr.dc2.dc.cairn.",
            "service.dc2.dc.cairn.")) {
      assertNxdomain(name, Type.A);
      assertNxdomain(name, Type.SRV);
    }
  }

  @Test
  void rfc2782NamesWithoutTheServiceLabelAnswerSrv() {
    Message all = ask("_web._tcp.cairn.", Type.SRV);
    assertThat(all.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answers(all))
        .hasSize(3)
        .allSatisfy(r -> assertThat(r.getName()).isEqualTo(name("_web._tcp.cairn")));
    assertThat(additional(all)).hasSize(3);
    assertThat(answers(ask("_web._v1.cairn.", Type.SRV)))
        .extracting(r -> ((SRVRecord) r).getPort())
        .containsExactlyInAnyOrder(8080, 8082);
    assertThat(answers(ask("_web._tcp.dc1.cairn.", Type.SRV))).hasSize(3);
    assertThat(answers(ask("_web._v2.dc1.dc.consul.", Type.SRV)))
        .singleElement()
        .isInstanceOfSatisfying(
            SRVRecord.class,
            r -> assertThat(r.getTarget().toString()).isEqualTo("0a000002.addr.consul."));
    assertThat(answers(ask("_WEB._TCP.Cairn.", Type.SRV))).hasSize(3);
  }

  @Test
  void rfc2782NamesWithoutTheServiceLabelHaveNoOtherRecords() {
    // Consul answers these for SRV only; the name exists, so other types are NODATA.
    for (int type : List.of(Type.A, Type.AAAA, Type.ANY, Type.TXT)) {
      Message reply = ask("_web._tcp.cairn.", type);
      assertThat(reply.getRcode()).as(Type.string(type)).isEqualTo(Rcode.NOERROR);
      assertThat(answers(reply)).as(Type.string(type)).isEmpty();
      assertThat(authority(reply)).singleElement().isInstanceOf(SOARecord.class);
    }
    assertNxdomain("_nothing._tcp.cairn.", Type.SRV);
    assertNxdomain("_nothing._tcp.cairn.", Type.A);
    assertNxdomain("_web._v9.cairn.", Type.SRV);
    assertNxdomain("_web._v9.cairn.", Type.A);
  }

  @Test
  void anAddrNameForTheOtherFamilyGivesItsRecordAsAdditional() {
    // As Consul: NOERROR, no answer, the address record in the additional section.
    Message aForV6 = ask("20010db8000000000000000000000003.addr.dc1.cairn.", Type.A);
    assertThat(aForV6.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(aForV6.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(answers(aForV6)).isEmpty();
    assertThat(authority(aForV6)).isEmpty();
    assertThat(additional(aForV6))
        .singleElement()
        .isInstanceOfSatisfying(
            AAAARecord.class,
            r -> {
              assertThat(r.getName())
                  .isEqualTo(name("20010db8000000000000000000000003.addr.dc1.cairn"));
              assertThat(r.getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:3");
            });
    Message aaaaForV4 = ask("0a000001.addr.cairn.", Type.AAAA);
    assertThat(aaaaForV4.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answers(aaaaForV4)).isEmpty();
    assertThat(additional(aaaaForV4))
        .singleElement()
        .isInstanceOfSatisfying(
            ARecord.class, r -> assertThat(r.getAddress().getHostAddress()).isEqualTo("10.0.0.1"));
    assertThat(additional(ask("0a000001.addr.cairn.", Type.SRV))).hasSize(1);
    assertThat(answers(ask("0a000001.addr.cairn.", Type.ANY))).hasSize(1);
  }

  @Test
  void aTokenThatMayNotReadTheServiceGetsNoRfc2782Name() {
    acl = Authorizer.DENY_ALL;
    assertNxdomain("_web._tcp.cairn.", Type.SRV);
    assertNxdomain("_web._tcp.cairn.", Type.A);
    assertNxdomain("node-a.node.dc1.dc.cairn.", Type.TXT);
  }

  @Test
  void oddNamesAreNxdomainWithSoa() {
    for (String name :
        List.of(
            "_._tcp.cairn.",
            "_web._.cairn.",
            "_web.cairn.",
            "a._web._tcp.cairn.",
            "_web._tcp.dc1.dc.x.cairn.",
            "_web._tcp.node.cairn.",
            "_web.x._tcp.cairn.",
            "web.service.dc1.dc.dc.cairn.",
            "web.service.dc1.ns.cairn.",
            "web.service._tcp.cairn.",
            "a.b.c.service.cairn.",
            "node.cairn.",
            "node.dc1.dc.cairn.",
            "node-b.node.dc1.dc.cairn.",
            "x.node-a.node.cairn.",
            "0a000001.x.addr.cairn.",
            "0a00001.addr.dc1.dc.cairn.",
            "dc.cairn.",
            "dc1.dc.cairn.",
            "ns.dc1.cairn.")) {
      assertNxdomain(name, Type.A);
      assertNxdomain(name, Type.SRV);
      assertNxdomain(name, Type.TXT);
    }
  }

  @Test
  void everyMixOfTheFormsLabelsGetsAnAuthoritativeAnswer() {
    List<String> vocabulary =
        List.of(
            "service",
            "node",
            "addr",
            "dc",
            "dc1",
            "dc2",
            "_web",
            "_tcp",
            "web",
            "v1",
            "node-a",
            "0a000001",
            "ns",
            "_");
    DnsAnswerTable table = DnsAnswerTable.build(registry.snapshot(), settings);
    QueryHandler handler = new QueryHandler(() -> table, () -> new Random(3));
    List<String> names = new ArrayList<>();
    names.add("");
    for (int length = 1; length <= 4; length++) {
      List<String> longer = new ArrayList<>();
      for (String prefix : names) {
        if (prefix.chars().filter(c -> c == '.').count() == length - 1) {
          for (String label : vocabulary) {
            longer.add(prefix + label + ".");
          }
        }
      }
      names.addAll(longer);
    }
    int answered = 0;
    for (String prefix : names) {
      for (int type : List.of(Type.A, Type.SRV, Type.TXT)) {
        String name = prefix + "cairn.";
        Message m =
            parse(((Reply.Send) handler.handle(wire(query(name, type)), Transport.UDP)).message());
        assertThat(m.getHeader().getFlag(Flags.AA)).as(name).isTrue();
        assertThat(m.getRcode()).as(name).isIn(Rcode.NOERROR, Rcode.NXDOMAIN);
        if (answers(m).isEmpty() && additional(m).isEmpty()) {
          assertThat(authority(m)).as(name).singleElement().isInstanceOf(SOARecord.class);
        } else {
          answered++;
        }
      }
    }
    assertThat(answered).isPositive();
  }

  // ---- helpers ----

  private void assertNxdomain(String name, int type) {
    Message reply = ask(name, type);
    assertThat(reply.getRcode()).as(name + " " + Type.string(type)).isEqualTo(Rcode.NXDOMAIN);
    assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(answers(reply)).as(name).isEmpty();
    assertThat(authority(reply)).as(name).singleElement().isInstanceOf(SOARecord.class);
  }

  private Message ask(String name, int type) {
    return Questions.ask(registry.snapshot(), settings, acl, name, type);
  }

  private void register(ServiceInstance instance) {
    registry.apply(RegisterInstance.of(instance));
  }

  private static ServiceInstance instance(
      String id, String name, String address, int port, String... tags) {
    return ServiceInstance.builder(id, name).address(address).port(port).tags(tags).build();
  }
}
