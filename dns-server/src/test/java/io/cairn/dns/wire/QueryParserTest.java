package io.cairn.dns.wire;

import static io.cairn.dns.DnsMessages.query;
import static io.cairn.dns.DnsMessages.queryWithEdns;
import static io.cairn.dns.DnsMessages.wire;
import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.HexFormat;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Opcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.Type;

class QueryParserTest {

  @Test
  void readsTheQuestionAndLowerCasesLabels() {
    Message m = query("Web.Service.CAIRN.", Type.SRV);
    Query q = (Query) QueryParser.parse(wire(m));
    assertThat(q.id()).isEqualTo(m.getHeader().getID());
    assertThat(q.type()).isEqualTo(Type.SRV);
    assertThat(q.dclass()).isEqualTo(DClass.IN);
    assertThat(q.labelCount()).isEqualTo(3);
    assertThat(q.label(0)).isEqualTo("web");
    assertThat(q.labelIs(2, "cairn".getBytes())).isTrue();
    assertThat(q.name()).isEqualTo("web.service.cairn.");
    assertThat(q.recursionDesired()).isTrue();
    assertThat(q.edns()).isEmpty();
  }

  @Test
  void readsEdns() {
    Query q = (Query) QueryParser.parse(wire(queryWithEdns("a.cairn.", Type.A, 1232)));
    assertThat(q.edns()).contains(new Edns(1232, 0, false));
    assertThat(q.edns().get().udpLimit()).isEqualTo(1232);
    assertThat(new Edns(100, 0, false).udpLimit()).isEqualTo(512);
    assertThat(new Edns(65000, 0, false).udpLimit()).isEqualTo(4096);
  }

  @Test
  void ednsVersionOtherThanZeroIsBadvers() {
    Message m = query("a.cairn.", Type.A);
    m.addRecord(new org.xbill.DNS.OPTRecord(4096, 0, 1), Section.ADDITIONAL);
    assertThat(QueryParser.parse(wire(m)))
        .isInstanceOfSatisfying(
            ParsedQuery.Rejected.class, r -> assertThat(r.rcode()).isEqualTo(QueryParser.BADVERS));
  }

  @Test
  void responsesAndRuntsAreIgnored() {
    byte[] response = wire(query("a.cairn.", Type.A));
    response[2] |= (byte) 0x80;
    assertThat(QueryParser.parse(response)).isEqualTo(ParsedQuery.Ignored.INSTANCE);
    assertThat(QueryParser.parse(new byte[11])).isEqualTo(ParsedQuery.Ignored.INSTANCE);
    assertThat(QueryParser.parse(new byte[0])).isEqualTo(ParsedQuery.Ignored.INSTANCE);
  }

  @Test
  void otherOpcodesAreNotImplemented() {
    Message m = query("a.cairn.", Type.A);
    m.getHeader().setOpcode(Opcode.UPDATE);
    assertThat(rcode(wire(m))).isEqualTo(QueryParser.NOTIMP);
  }

  @Test
  void brokenStructureIsFormErr() {
    byte[] ok = wire(query("web.service.cairn.", Type.A));
    // No question, two questions, an answer record in a query.
    assertThat(rcode(withShort(ok, 4, 0))).isEqualTo(QueryParser.FORMERR);
    assertThat(rcode(withShort(ok, 4, 2))).isEqualTo(QueryParser.FORMERR);
    assertThat(rcode(withShort(ok, 6, 1))).isEqualTo(QueryParser.FORMERR);
    // The question cut short anywhere.
    for (int length = 12; length < ok.length; length++) {
      assertThat(rcode(Arrays.copyOf(ok, length))).as("cut at %d", length).isEqualTo(1);
    }
    // A compression pointer, a label longer than 63, an additional record that is not there.
    assertThat(rcode(hex("abcd0100000100000000000003777777c00c00010001"))).isEqualTo(1);
    assertThat(rcode(hex("abcd010000010000000000004077777700000100010"))).isEqualTo(1);
    assertThat(rcode(withShort(ok, 10, 1))).isEqualTo(QueryParser.FORMERR);
  }

  @Test
  void namesLongerThan255BytesAreFormErr() {
    StringBuilder name = new StringBuilder();
    for (int i = 0; i < 5; i++) {
      name.append("a".repeat(60)).append('.');
    }
    byte[] packet = new byte[12 + 5 * 61 + 1 + 4];
    packet[5] = 1;
    int at = 12;
    for (int i = 0; i < 5; i++) {
      packet[at++] = 60;
      Arrays.fill(packet, at, at + 60, (byte) 'a');
      at += 60;
    }
    assertThat(rcode(packet)).isEqualTo(QueryParser.FORMERR);
  }

  @Test
  void twoOptRecordsOrOneNotAtTheRootAreFormErr() throws Exception {
    Message m = queryWithEdns("a.cairn.", Type.A, 4096);
    m.addRecord(new org.xbill.DNS.OPTRecord(4096, 0, 0), Section.ADDITIONAL);
    assertThat(rcode(wire(m))).isEqualTo(QueryParser.FORMERR);

    Message other = query("a.cairn.", Type.A);
    other.addRecord(
        Record.newRecord(Name.fromString("x."), Type.OPT, 4096, 0, new byte[0]),
        Section.ADDITIONAL);
    assertThat(rcode(wire(other))).isEqualTo(QueryParser.FORMERR);
  }

  @Test
  void noInputMakesItThrow() {
    Random random = new Random(42);
    byte[] seed = wire(queryWithEdns("_web._tcp.service.cairn.", Type.SRV, 4096));
    for (int i = 0; i < 200_000; i++) {
      byte[] packet;
      if (i % 2 == 0) {
        packet = new byte[random.nextInt(80)];
        random.nextBytes(packet);
      } else {
        packet = seed.clone();
        for (int flips = 1 + random.nextInt(4); flips > 0; flips--) {
          packet[random.nextInt(packet.length)] = (byte) random.nextInt(256);
        }
        packet = Arrays.copyOf(packet, random.nextInt(packet.length + 8));
      }
      ParsedQuery parsed = QueryParser.parse(packet);
      if (parsed instanceof Query q) {
        q.name(); // every label readable
      }
    }
  }

  private static int rcode(byte[] packet) {
    return ((ParsedQuery.Rejected) QueryParser.parse(packet)).rcode();
  }

  private static byte[] withShort(byte[] packet, int at, int value) {
    byte[] copy = packet.clone();
    copy[at] = (byte) (value >>> 8);
    copy[at + 1] = (byte) value;
    return copy;
  }

  private static byte[] hex(String hex) {
    return HexFormat.of().parseHex(hex.length() % 2 == 0 ? hex : hex + "0");
  }
}
