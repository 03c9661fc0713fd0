package io.cairn.dns.answer;

import static io.cairn.dns.DnsMessages.additional;
import static io.cairn.dns.DnsMessages.answers;
import static io.cairn.dns.DnsMessages.authority;
import static io.cairn.dns.DnsMessages.name;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.cairn.dns.DnsSettings;
import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.acl.Authorizer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.Message;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.SOARecord;
import org.xbill.DNS.TXTRecord;
import org.xbill.DNS.Type;

/** The node's meta as TXT records of {@code <node>.node.<domain>}, as Consul answers them. */
class NodeTextTest {
  private static final Map<String, String> META = new LinkedHashMap<>();

  static {
    META.put("consul-network-segment", "");
    META.put("rack", "r1");
    META.put("a=b", "x`y");
    META.put("rfc1035-note", "value only");
  }

  private Registry registry;
  private DnsSettings settings =
      DnsSettings.builder()
          .altDomain(Optional.of("consul"))
          .node(new DnsSettings.Node("node-a", "10.9.8.7", "dc1", META))
          .build();
  private Authorizer acl = Authorizer.ALLOW_ALL;

  @BeforeEach
  void open() {
    registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
  }

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void theNodesMetaIsItsTxtRecords() {
    Message txt = ask("node-a.node.cairn.", Type.TXT);
    assertThat(txt.getRcode()).isEqualTo(Rcode.NOERROR);
    assertThat(answers(txt))
        .allSatisfy(r -> assertThat(r.getName()).isEqualTo(name("node-a.node.cairn")))
        .extracting(r -> ((TXTRecord) r).getStrings())
        .containsExactly(
            List.of("a`=b=x``y"),
            List.of("consul-network-segment="),
            List.of("rack=r1"),
            List.of("value only"));
    assertThat(additional(txt))
        .singleElement()
        .extracting(Record::rdataToString)
        .isEqualTo("10.9.8.7");
    Message any = ask("node-a.node.dc1.consul.", Type.ANY);
    assertThat(answers(any)).hasSize(5);
    assertThat(answers(any).getFirst()).isInstanceOf(ARecord.class);
    assertThat(answers(ask("NODE-A.node.cairn.", Type.A)))
        .singleElement()
        .isInstanceOf(ARecord.class);
    Message aaaa = ask("node-a.node.cairn.", Type.AAAA);
    assertThat(answers(aaaa)).isEmpty();
    assertThat(authority(aaaa)).singleElement().isInstanceOf(SOARecord.class);
  }

  @Test
  void nodeMetaIsQuotedAsRfc1464AndLongValuesAreSplit() {
    assertThat(NodeText.text(" a`b ", "c`d")).isEqualTo("` a``b` =c``d");
    assertThat(NodeText.text("RFC1035-x", "as is = `")).isEqualTo("as is = `");
    settings =
        DnsSettings.builder()
            .node(new DnsSettings.Node("node-a", "", "dc1", Map.of("k", "v".repeat(300))))
            .build();
    Message txt = ask("node-a.node.cairn.", Type.TXT);
    assertThat(answers(txt))
        .singleElement()
        .isInstanceOfSatisfying(
            TXTRecord.class,
            r -> {
              assertThat(r.getStrings()).hasSize(2);
              assertThat(String.join("", r.getStrings())).isEqualTo("k=" + "v".repeat(300));
            });
    assertThat(additional(txt)).as("a node without an address").isEmpty();
    assertThat(ask("node-a.node.cairn.", Type.A).getRcode()).isEqualTo(Rcode.NOERROR);
  }

  @Test
  void aTokenThatMayNotReadTheNodeGetsNoTxt() {
    acl = Authorizer.DENY_ALL;
    Message txt = ask("node-a.node.cairn.", Type.TXT);
    assertThat(txt.getRcode()).isEqualTo(Rcode.NXDOMAIN);
    assertThat(answers(txt)).isEmpty();
    assertThat(authority(txt)).singleElement().isInstanceOf(SOARecord.class);
  }

  @Test
  void nodeMetaOutsideConsulsLimitsIsRefused() {
    Map<String, String> many = new HashMap<>();
    for (int i = 0; i < 65; i++) {
      many.put("k" + i, "v");
    }
    assertThatThrownBy(() -> new DnsSettings.Node("n", "", "dc1", many))
        .hasMessageContaining("65 entries");
    assertThatThrownBy(() -> new DnsSettings.Node("n", "", "dc1", Map.of("", "v")))
        .hasMessageContaining("node meta ''");
    assertThatThrownBy(() -> new DnsSettings.Node("n", "", "dc1", Map.of("k", "v".repeat(513))))
        .hasMessageContaining("node meta 'k'");
  }

  private Message ask(String name, int type) {
    return Questions.ask(registry.snapshot(), settings, acl, name, type);
  }
}
