package io.cairn.dns.answer;

import static io.cairn.dns.DnsMessages.additional;
import static io.cairn.dns.DnsMessages.answers;
import static io.cairn.dns.DnsMessages.authority;
import static io.cairn.dns.DnsMessages.name;
import static io.cairn.dns.DnsMessages.parse;
import static io.cairn.dns.DnsMessages.query;
import static io.cairn.dns.DnsMessages.queryWithEdns;
import static io.cairn.dns.DnsMessages.truncated;
import static io.cairn.dns.DnsMessages.wire;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.dns.DnsSettings;
import io.cairn.dns.wire.Transport;
import io.cairn.registry.Fixtures;
import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.SetMaintenance;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.Weights;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.ClientSubnetOption;
import org.xbill.DNS.DClass;
import org.xbill.DNS.EDNSOption;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.NSRecord;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.SRVRecord;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

/** The reply builder without sockets: query bytes in, reply bytes out, read with dnsjava. */
class QueryHandlerTest {
  private Registry registry;
  private DnsSettings settings = DnsSettings.builder().altDomain(Optional.of("consul")).build();
  private final RandomGenerator random = new Random(7);

  @BeforeEach
  void open() {
    registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
    register(instance("web-1", "web", "10.0.0.1", 8080, "v1"));
    register(instance("web-2", "web", "10.0.0.2", 8081, "v2"));
    register(instance("web-3", "web", "2001:db8::3", 8082, "v1"));
    register(instance("db-1", "db", "db1.example.com", 5432));
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void srvHasEveryHealthyInstanceWithTargetsAndTheirAddresses() {
    Message reply = ask("web.service.cairn.", Type.SRV);
    assertThat(reply.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
    assertThat(reply.getHeader().getFlag(Flags.RA)).isFalse();
    List<SRVRecord> srv = answers(reply).stream().map(SRVRecord.class::cast).toList();
    assertThat(srv)
        .extracting(r -> r.getTarget().toString(), SRVRecord::getPort)
        .containsExactlyInAnyOrder(
            org.assertj.core.groups.Tuple.tuple("0a000001.addr.cairn.", 8080),
            org.assertj.core.groups.Tuple.tuple("0a000002.addr.cairn.", 8081),
            org.assertj.core.groups.Tuple.tuple(
                "20010db8000000000000000000000003.addr.cairn.", 8082));
    assertThat(srv).allSatisfy(r -> assertThat(r.getPriority()).isEqualTo(1));
    assertThat(srv).allSatisfy(r -> assertThat(r.getName()).isEqualTo(name("web.service.cairn")));
    assertThat(additional(reply))
        .extracting(r -> r.getName().toString() + " " + r.rdataToString())
        .containsExactlyInAnyOrder(
            "0a000001.addr.cairn. 10.0.0.1",
            "0a000002.addr.cairn. 10.0.0.2",
            "20010db8000000000000000000000003.addr.cairn. 2001:db8:0:0:0:0:0:3");
  }

  @Test
  void addressRecordsAreOwnedByTheQuestionAsAsked() {
    Message a = ask("WEB.Service.Cairn.", Type.A);
    assertThat(answers(a)).hasSize(2).allSatisfy(r -> assertThat(r).isInstanceOf(ARecord.class));
    assertThat(answers(a).getFirst().getName().toString()).isEqualTo("WEB.Service.Cairn.");
    Message aaaa = ask("web.service.cairn.", Type.AAAA);
    assertThat(answers(aaaa))
        .singleElement()
        .isInstanceOfSatisfying(
            AAAARecord.class,
            r -> assertThat(r.getAddress().getHostAddress()).isEqualTo("2001:db8:0:0:0:0:0:3"));
    Message any = ask("web.service.cairn.", Type.ANY);
    assertThat(answers(any)).hasSize(3);
  }

  @Test
  void hostnamesBecomeCnamesAndSrvTargets() {
    Message a = ask("db.service.cairn.", Type.A);
    assertThat(answers(a))
        .singleElement()
        .isInstanceOfSatisfying(
            CNAMERecord.class,
            r -> assertThat(r.getTarget().toString()).isEqualTo("db1.example.com."));
    Message srv = ask("db.service.cairn.", Type.SRV);
    assertThat(((SRVRecord) answers(srv).getFirst()).getTarget().toString())
        .isEqualTo("db1.example.com.");
    assertThat(additional(srv)).isEmpty();
  }

  @Test
  void tagsFilterInBothForms() {
    assertThat(answers(ask("v1.web.service.cairn.", Type.SRV))).hasSize(2);
    assertThat(answers(ask("_web._v1.service.cairn.", Type.SRV))).hasSize(2);
    assertThat(answers(ask("_web._v2.service.cairn.", Type.SRV))).hasSize(1);
    assertThat(answers(ask("_web._tcp.service.cairn.", Type.SRV))).hasSize(3);
    assertThat(ask("v9.web.service.cairn.", Type.SRV).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void altDomainAnswersTheSameWithItsOwnTargets() {
    Message reply = ask("web.service.consul.", Type.SRV);
    assertThat(answers(reply))
        .extracting(r -> ((SRVRecord) r).getTarget().toString())
        .allSatisfy(t -> assertThat(t).endsWith(".addr.consul."));
    assertThat(ask("nothing.service.consul.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(((SOARecord) authority(ask("nothing.service.consul.", Type.A)).getFirst()).getName())
        .isEqualTo(name("consul"));
  }

  @Test
  void addrNamesAnswerWithTheAddressTheySpell() {
    Message a = ask("0a000001.addr.cairn.", Type.A);
    assertThat(answers(a)).singleElement().extracting(Record::rdataToString).isEqualTo("10.0.0.1");
    Message aaaa = ask("20010db8000000000000000000000003.addr.cairn.", Type.AAAA);
    assertThat(answers(aaaa)).singleElement().isInstanceOf(AAAARecord.class);
    Message otherFamily = ask("0a000001.addr.cairn.", Type.AAAA);
    assertThat(otherFamily.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answers(otherFamily)).isEmpty();
    assertThat(additional(otherFamily)).singleElement().isInstanceOf(ARecord.class);
    assertThat(ask("zz000001.addr.cairn.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void reverseNamesOfInstanceAddressesHavePointers() throws Exception {
    Message ptr = ask("1.0.0.10.in-addr.arpa.", Type.PTR);
    assertThat(answers(ptr))
        .singleElement()
        .isInstanceOfSatisfying(
            PTRRecord.class,
            r -> assertThat(r.getTarget().toString()).isEqualTo("web.service.cairn."));
    Message v6 =
        ask(
            org.xbill.DNS.ReverseMap.fromAddress("2001:db8::3", org.xbill.DNS.Address.IPv6)
                .toString(),
            Type.PTR);
    assertThat(answers(v6)).hasSize(1);
    String upper =
        org.xbill.DNS.ReverseMap.fromAddress("2001:db8::3", org.xbill.DNS.Address.IPv6)
            .toString()
            .toUpperCase(java.util.Locale.ROOT);
    assertThat(answers(ask(upper, Type.PTR))).as("names are compared without case").hasSize(1);
    assertThat(ask("9.9.9.10.in-addr.arpa.", Type.PTR).getRcode()).isEqualTo(Rcode.REFUSED);
    for (String notCanonical :
        List.of("01.0.0.10.in-addr.arpa.", "257.0.0.10.in-addr.arpa.", "0.0.10.in-addr.arpa.")) {
      assertThat(ask(notCanonical, Type.PTR).getRcode()).as(notCanonical).isEqualTo(Rcode.REFUSED);
    }
  }

  @Test
  void apexHasSoaAndNsWithGlue() {
    Message soa = ask("cairn.", Type.SOA);
    SOARecord record = (SOARecord) answers(soa).getFirst();
    assertThat(record.getHost().toString()).isEqualTo("ns.cairn.");
    assertThat(record.getSerial()).isEqualTo(registry.snapshot().index());
    Message ns = ask("cairn.", Type.NS);
    assertThat(((NSRecord) answers(ns).getFirst()).getTarget().toString()).isEqualTo("ns.cairn.");
    assertThat(additional(ns))
        .singleElement()
        .extracting(Record::rdataToString)
        .isEqualTo("127.0.0.1");
    assertThat(answers(ask("ns.cairn.", Type.A))).hasSize(1);
  }

  @Test
  void unknownNamesAreNxdomainAndKnownNamesWithoutTheTypeAreNodata() {
    for (String unknown :
        List.of("nothing.service.cairn.", "x.cairn.", "a.b.web.service.cairn.", "x.addr.cairn.")) {
      Message reply = ask(unknown, Type.A);
      assertThat(reply.getRcode()).as(unknown).isEqualTo(Rcode.NXDOMAIN);
      assertThat(reply.getHeader().getFlag(Flags.AA)).isTrue();
      assertThat(authority(reply)).singleElement().isInstanceOf(SOARecord.class);
    }
    for (String name : List.of("web.service.cairn.", "service.cairn.", "cairn.")) {
      Message reply = ask(name, Type.TXT);
      assertThat(reply.getRcode()).as(name).isEqualTo(Rcode.NOERROR);
      assertThat(answers(reply)).isEmpty();
      assertThat(authority(reply)).singleElement().isInstanceOf(SOARecord.class);
    }
  }

  @Test
  void namesOutsideTheDomainsAreRefusedOrForwarded() {
    Message refused = ask("example.com.", Type.A);
    assertThat(refused.getRcode()).isEqualTo(Rcode.REFUSED);
    assertThat(refused.getHeader().getFlag(Flags.AA)).isFalse();
    assertThat(refused.getHeader().getFlag(Flags.RA)).isFalse();

    settings =
        DnsSettings.builder().recursors(List.of(new InetSocketAddress("127.0.0.1", 53))).build();
    assertThat(handle(wire(query("example.com.", Type.A)), Transport.UDP))
        .isInstanceOf(Reply.Forward.class);
    assertThat(ask("web.service.cairn.", Type.A).getHeader().getFlag(Flags.RA)).isTrue();
  }

  @Test
  void zoneTransfersMetaTypesAndOtherClassesAreRefusedOrNotImplemented() {
    assertThat(ask("cairn.", Type.AXFR).getRcode()).isEqualTo(Rcode.NOTIMP);
    assertThat(ask("cairn.", Type.IXFR).getRcode()).isEqualTo(Rcode.NOTIMP);
    Message chaos = Message.newQuery(Record.newRecord(name("version.bind"), Type.TXT, DClass.CH));
    assertThat(parse(send(wire(chaos), Transport.UDP)).getRcode()).isEqualTo(Rcode.REFUSED);
  }

  @Test
  void onlyHealthyInstancesAnswerWithTheirWeightForTheirStatus() {
    registry.apply(
        new RegisterInstance(
            ServiceInstance.builder("api-1", "api")
                .address("10.1.0.1")
                .port(80)
                .weights(new Weights(10, 3))
                .build(),
            List.of(Fixtures.ttlCheck("api-1:ttl", "api-1", HealthStatus.WARNING)),
            false));
    registry.apply(
        new RegisterInstance(
            instance("api-2", "api", "10.1.0.2", 80),
            List.of(Fixtures.ttlCheck("api-2:ttl", "api-2", HealthStatus.CRITICAL)),
            false));
    register(instance("api-3", "api", "10.1.0.3", 80));
    registry.apply(SetMaintenance.enable("api-3", "upgrade"));
    assertThat(answers(ask("api.service.cairn.", Type.SRV)))
        .singleElement()
        .isInstanceOfSatisfying(
            SRVRecord.class,
            r -> {
              assertThat(r.getTarget().toString()).isEqualTo("0a010001.addr.cairn.");
              assertThat(r.getWeight()).isEqualTo(3);
            });
    registry.apply(new UpdateCheck("api-1:ttl", HealthStatus.PASSING, ""));
    assertThat(((SRVRecord) answers(ask("api.service.cairn.", Type.SRV)).getFirst()).getWeight())
        .isEqualTo(10);
    registry.apply(new UpdateCheck("api-1:ttl", HealthStatus.CRITICAL, ""));
    assertThat(ask("api.service.cairn.", Type.SRV).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void onlyPassingLeavesWarningInstancesOut() {
    registry.apply(
        new RegisterInstance(
            instance("api-1", "api", "10.1.0.1", 80),
            List.of(Fixtures.ttlCheck("api-1:ttl", "api-1", HealthStatus.WARNING)),
            false));
    assertThat(answers(ask("api.service.cairn.", Type.A))).hasSize(1);
    settings = DnsSettings.builder().onlyPassing(true).build();
    assertThat(ask("api.service.cairn.", Type.A).getRcode()).isEqualTo(Rcode.NXDOMAIN);
  }

  @Test
  void ttlsComeFromTheServiceOrTheDefault() {
    settings =
        DnsSettings.builder()
            .ttl(Duration.ofSeconds(5))
            .serviceTtls(Map.of("web", Duration.ofSeconds(30), "d*", Duration.ofSeconds(60)))
            .build();
    assertThat(answers(ask("web.service.cairn.", Type.A))).allMatch(r -> r.getTTL() == 30);
    assertThat(answers(ask("db.service.cairn.", Type.A))).allMatch(r -> r.getTTL() == 60);
    assertThat(answers(ask("0a000001.addr.cairn.", Type.A))).allMatch(r -> r.getTTL() == 5);
    assertThat(authority(ask("x.cairn.", Type.A)).getFirst().getTTL()).isEqualTo(5);
  }

  @Test
  void answerLimitCapsAddressAndSrvRecords() {
    for (int i = 0; i < 10; i++) {
      register(instance("big-" + i, "big", "10.2.0." + (i + 1), 80));
    }
    settings = DnsSettings.builder().answerLimit(3).build();
    assertThat(answers(ask("big.service.cairn.", Type.A))).hasSize(3);
    assertThat(answers(ask("big.service.cairn.", Type.SRV))).hasSize(3);
  }

  @Test
  void udpRepliesAreTruncatedTo512BytesWithoutEdnsAndComeWholeOverTcp() {
    for (int i = 0; i < 50; i++) {
      register(instance("big-" + i, "big", "10.2.0." + (i + 1), 80 + i));
    }
    byte[] udp = send(wire(query("big.service.cairn.", Type.SRV)), Transport.UDP);
    assertThat(udp.length).isLessThanOrEqualTo(512);
    Message small = parse(udp);
    assertThat(truncated(small)).isTrue();
    assertThat(answers(small)).isNotEmpty().hasSizeLessThan(50);

    byte[] edns = send(wire(queryWithEdns("big.service.cairn.", Type.SRV, 4096)), Transport.UDP);
    Message large = parse(edns);
    assertThat(edns.length).isLessThanOrEqualTo(4096);
    assertThat(answers(large)).hasSize(50);
    assertThat(truncated(large)).isFalse();
    assertThat(large.getOPT()).isNotNull();
    assertThat(large.getOPT().getPayloadSize()).isEqualTo(4096);

    byte[] tcp = send(wire(query("big.service.cairn.", Type.SRV)), Transport.TCP);
    Message whole = parse(tcp);
    assertThat(truncated(whole)).isFalse();
    assertThat(answers(whole)).hasSize(50);
    assertThat(additional(whole)).hasSize(50);

    Message a = parse(send(wire(query("big.service.cairn.", Type.A)), Transport.UDP));
    // Header and question take 35 bytes, each A record 16 (its owner is a 2-byte pointer).
    assertThat(truncated(a)).isTrue();
    assertThat(answers(a)).hasSize((512 - 35) / 16);
  }

  @Test
  void ednsIsEchoedAndAnUnknownVersionIsBadvers() {
    Message reply =
        parse(send(wire(queryWithEdns("web.service.cairn.", Type.A, 1232)), Transport.UDP));
    OPTRecord opt = reply.getOPT();
    assertThat(opt).isNotNull();
    assertThat(opt.getVersion()).isZero();
    Message v1 = query("web.service.cairn.", Type.A);
    v1.addRecord(new OPTRecord(4096, 0, 1), org.xbill.DNS.Section.ADDITIONAL);
    Message badvers = parse(send(wire(v1), Transport.UDP));
    assertThat(badvers.getRcode()).isEqualTo(Rcode.BADVERS);
  }

  @Test
  void weightsSetHowOftenAnInstanceComesFirst() {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("w-heavy", "weighted")
                .address("10.3.0.1")
                .port(80)
                .weights(new Weights(3, 1))
                .build()));
    register(instance("w-light", "weighted", "10.3.0.2", 80));
    int heavyFirst = 0;
    int trials = 4000;
    DnsAnswerTable table = DnsAnswerTable.build(registry.snapshot(), settings);
    QueryHandler handler = new QueryHandler(() -> table, () -> random);
    byte[] q = wire(query("weighted.service.cairn.", Type.A));
    for (int i = 0; i < trials; i++) {
      Message reply = parse(((Reply.Send) handler.handle(q, Transport.UDP)).message());
      if (answers(reply).getFirst().rdataToString().equals("10.3.0.1")) {
        heavyFirst++;
      }
    }
    // 3 / (3 + 1) = 0.75; four standard deviations are about 0.027.
    assertThat(heavyFirst / (double) trials).isBetween(0.72, 0.78);
  }

  @Test
  void instancesSharingAnAddressAppearOnce() {
    register(instance("web-4", "web", "10.0.0.1", 9090, "v1"));
    assertThat(answers(ask("web.service.cairn.", Type.A))).hasSize(2);
    Message srv = ask("web.service.cairn.", Type.SRV);
    assertThat(answers(srv)).hasSize(4);
    assertThat(additional(srv)).hasSize(3);
  }

  @Test
  void malformedPacketsGetFormErrOrNothing() {
    byte[] formErr = {0x12, 0x34, 0x01, 0x00, 0, 2, 0, 0, 0, 0, 0, 0};
    Reply.Send reply = (Reply.Send) handle(formErr, Transport.UDP);
    assertThat(parse(reply.message()).getRcode()).isEqualTo(Rcode.FORMERR);
    assertThat(parse(reply.message()).getHeader().getID()).isEqualTo(0x1234);
    assertThat(handle(new byte[3], Transport.UDP)).isEqualTo(Reply.Drop.INSTANCE);
    DnsAnswerTable table = DnsAnswerTable.build(registry.snapshot(), settings);
    QueryHandler handler = new QueryHandler(() -> table);
    Random r = new Random(1);
    for (int i = 0; i < 50_000; i++) {
      byte[] junk = new byte[r.nextInt(64)];
      r.nextBytes(junk);
      if (handler.handle(junk, Transport.UDP) instanceof Reply.Send s) {
        assertThat(s.message().length).isGreaterThanOrEqualTo(12);
      }
    }
  }

  @Test
  void consulsDatacenterAndNodeNamesAnswerForCairnsOwn() {
    settings =
        DnsSettings.builder()
            .node(new DnsSettings.Node("node-a", "10.9.8.7", "dc1", Map.of()))
            .build();
    assertThat(answers(ask("web.service.dc1.cairn.", Type.A))).hasSize(2);
    assertThat(answers(ask("v1.web.service.dc1.cairn.", Type.SRV))).hasSize(2);
    assertThat(answers(ask("_web._tcp.service.dc1.cairn.", Type.SRV))).hasSize(3);
    assertThat(answers(ask("_web._v2.service.dc1.cairn.", Type.SRV))).hasSize(1);
    assertThat(ask("web.service.dc2.cairn.", Type.A).getRcode())
        .as("another datacenter")
        .isEqualTo(Rcode.NXDOMAIN);
    assertThat(answers(ask("0a000002.addr.dc1.cairn.", Type.A)))
        .singleElement()
        .extracting(Record::rdataToString)
        .isEqualTo("10.0.0.2");
    assertThat(answers(ask("node-a.node.cairn.", Type.A)))
        .singleElement()
        .extracting(Record::rdataToString)
        .isEqualTo("10.9.8.7");
    assertThat(answers(ask("node-a.node.dc1.cairn.", Type.A))).hasSize(1);
    Message other = ask("node-b.node.cairn.", Type.A);
    assertThat(other.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(answers(ask("7.8.9.10.in-addr.arpa.", Type.PTR)))
        .singleElement()
        .isInstanceOfSatisfying(
            PTRRecord.class,
            p -> assertThat(p.getTarget().toString()).isEqualTo("node-a.node.cairn."));
    Message txt = ask("node-a.node.cairn.", Type.TXT);
    assertThat(txt.getRcode()).as("no node meta: no data").isEqualTo(Rcode.NOERROR);
    assertThat(answers(txt)).isEmpty();
    assertThat(authority(txt)).singleElement().isInstanceOf(SOARecord.class);
  }

  @Test
  void theClientSubnetIsEchoedWithScopeZeroAndAMalformedOneIsFormErr() throws Exception {
    Message q = query("web.service.cairn.", Type.A);
    ClientSubnetOption ecs = new ClientSubnetOption(24, InetAddress.getByName("192.0.2.0"));
    q.addRecord(new OPTRecord(1232, 0, 0, 0, List.of(ecs)), Section.ADDITIONAL);
    Message reply = parse(send(wire(q), Transport.UDP));
    assertThat(answers(reply)).hasSize(2);
    List<EDNSOption> options = reply.getOPT().getOptions(EDNSOption.Code.CLIENT_SUBNET);
    assertThat(options)
        .singleElement()
        .isInstanceOfSatisfying(
            ClientSubnetOption.class,
            o -> {
              assertThat(o.getSourcePrefixLength()).isEqualTo(24);
              assertThat(o.getScopePrefixLength()).isZero();
              assertThat(o.getAddress().getHostAddress()).isEqualTo("192.0.2.0");
            });

    // Source prefix 24 with 4 address bytes: RFC 7871 7.1.2 says FORMERR.
    byte[] bad = wire(query("web.service.cairn.", Type.A));
    byte[] opt = {
      0, 0, 41, 4, (byte) 0xd0, 0, 0, 0, 0, 0, 12, 0, 8, 0, 8, 0, 1, 24, 0, (byte) 192, 0, 2, 1
    };
    byte[] packet = java.util.Arrays.copyOf(bad, bad.length + opt.length);
    System.arraycopy(opt, 0, packet, bad.length, opt.length);
    packet[11] = 1; // ARCOUNT
    assertThat(parse(send(packet, Transport.UDP)).getRcode()).isEqualTo(Rcode.FORMERR);
  }

  @Test
  void aTokenThatMayReadNothingGetsNoNames() {
    DnsAnswerTable table =
        DnsAnswerTable.build(registry.snapshot(), settings)
            .withAcl(io.cairn.registry.acl.Authorizer.DENY_ALL);
    QueryHandler handler = new QueryHandler(() -> table, () -> random);
    for (String name :
        List.of("web.service.cairn.", "cairn.node.cairn.", "1.0.0.10.in-addr.arpa.")) {
      Reply.Send r = (Reply.Send) handler.handle(wire(query(name, Type.ANY)), Transport.UDP);
      Message m = parse(r.message());
      assertThat(answers(m)).as(name).isEmpty();
    }
  }

  // ---- helpers ----

  private Message ask(String name, int type) {
    return parse(send(wire(query(name, type)), Transport.UDP));
  }

  private byte[] send(byte[] packet, Transport transport) {
    return ((Reply.Send) handle(packet, transport)).message();
  }

  private Reply handle(byte[] packet, Transport transport) {
    DnsAnswerTable table = DnsAnswerTable.build(registry.snapshot(), settings);
    return new QueryHandler(() -> table, () -> random).handle(packet, transport);
  }

  private void register(ServiceInstance instance) {
    registry.apply(RegisterInstance.of(instance));
  }

  private static ServiceInstance instance(
      String id, String name, String address, int port, String... tags) {
    return ServiceInstance.builder(id, name).address(address).port(port).tags(tags).build();
  }
}
