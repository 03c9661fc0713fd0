package io.cairn.dns.answer;

import static io.cairn.dns.DnsMessages.answers;
import static io.cairn.dns.DnsMessages.parse;
import static io.cairn.dns.DnsMessages.query;
import static io.cairn.dns.DnsMessages.wire;
import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.dns.DnsSettings;
import io.cairn.dns.wire.Transport;
import io.cairn.registry.InMemoryStore;
import io.cairn.registry.Registry;
import io.cairn.registry.acl.Access;
import io.cairn.registry.acl.Authorizer;
import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.command.CatalogRegister;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.ServiceInstance;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.xbill.DNS.Message;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/** A DNS token's node:read decides catalog nodes' rows once per table, not once per question. */
class CatalogNodeAclTest {
  private final Registry registry = Registry.open(new InMemoryStore(), new SimpleMeterRegistry());
  private final DnsSettings settings = DnsSettings.builder().build();

  @AfterEach
  void close() {
    registry.close();
  }

  @Test
  void aTokenWithoutReadOnANodeLosesItsRowsAndIsAskedOncePerTable() {
    registry.apply(
        RegisterInstance.of(
            ServiceInstance.builder("db-0", "db").address("10.0.0.1").port(5432).build()));
    for (int n = 1; n <= 3; n++) {
      String node = "rds-" + n;
      registry.apply(
          new CatalogRegister(
              new CatalogNode(node, "", "10.1.0." + n, Map.of(), Map.of()),
              false,
              Optional.of(
                  new NodeService(
                      node,
                      ServiceInstance.builder("db", "db").address("10.1.0." + n).port(5432).build(),
                      true)),
              List.of()));
    }
    for (String hidden : List.of("rds-2", "none")) {
      CountingAuthorizer token = new CountingAuthorizer(hidden);
      DnsAnswerTable table = DnsAnswerTable.build(registry.snapshot(), settings).withAcl(token);
      QueryHandler handler = new QueryHandler(() -> table, () -> new Random(7));
      int afterFirst = -1;
      for (int q = 0; q < 5; q++) {
        Message m = ask(handler, "db.service.cairn.");
        List<String> ips = answers(m).stream().map(Record::rdataToString).sorted().toList();
        assertThat(ips)
            .as("hidden node " + hidden)
            .isEqualTo(
                hidden.equals("rds-2")
                    ? List.of("10.0.0.1", "10.1.0.1", "10.1.0.3")
                    : List.of("10.0.0.1", "10.1.0.1", "10.1.0.2", "10.1.0.3"));
        if (q == 0) {
          afterFirst = token.nodeChecks.get();
          assertThat(afterFirst).isPositive();
        }
      }
      assertThat(token.nodeChecks.get())
          .as("node:read checked for the first question only")
          .isEqualTo(afterFirst);
    }
  }

  private static Message ask(QueryHandler handler, String name) {
    Reply.Send r = (Reply.Send) handler.handle(wire(query(name, Type.A)), Transport.UDP);
    return parse(r.message());
  }

  /** Reads every service and every node but one; counts how often a node is asked about. */
  private static final class CountingAuthorizer implements Authorizer {
    private final String hidden;
    final AtomicInteger nodeChecks = new AtomicInteger();

    CountingAuthorizer(String hidden) {
      this.hidden = hidden;
    }

    @Override
    public Access node(String name) {
      nodeChecks.incrementAndGet();
      return name.equals(hidden) ? Access.DENY : Access.READ;
    }

    @Override
    public Access service(String name) {
      return Access.READ;
    }

    @Override
    public Access intentions(String service) {
      return Access.DENY;
    }

    @Override
    public Access agent(String node) {
      return Access.DENY;
    }

    @Override
    public Access key(String key) {
      return Access.DENY;
    }

    @Override
    public boolean keyWritePrefix(String prefix) {
      return false;
    }

    @Override
    public Access session(String node) {
      return Access.DENY;
    }

    @Override
    public Access operator() {
      return Access.DENY;
    }

    @Override
    public Access acl() {
      return Access.DENY;
    }

    @Override
    public Access mesh() {
      return Access.DENY;
    }
  }
}
