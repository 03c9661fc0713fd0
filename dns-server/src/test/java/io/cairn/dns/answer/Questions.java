package io.cairn.dns.answer;

import static io.cairn.dns.DnsMessages.parse;
import static io.cairn.dns.DnsMessages.query;
import static io.cairn.dns.DnsMessages.wire;

import io.cairn.dns.DnsSettings;
import io.cairn.dns.wire.Transport;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.acl.Authorizer;
import java.util.Random;
import org.xbill.DNS.Message;

/** A question asked of a table built from a snapshot, without sockets: the reply, parsed. */
final class Questions {
  private Questions() {}

  static Message ask(
      RegistrySnapshot snapshot, DnsSettings settings, Authorizer acl, String name, int type) {
    DnsAnswerTable table = DnsAnswerTable.build(snapshot, settings).withAcl(acl);
    Reply reply =
        new QueryHandler(() -> table, () -> new Random(7))
            .handle(wire(query(name, type)), Transport.UDP);
    return parse(((Reply.Send) reply).message());
  }
}
