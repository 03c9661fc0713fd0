package io.cairn.benchmarks;

import io.cairn.benchmarks.DnsPeer.Instance;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/** Questions to the servers under test with dnsjava: are they up, do they agree. */
final class DnsProbe {
  private DnsProbe() {}

  static void awaitAnswers(int port, String name, int expected) throws Exception {
    long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
    while (System.nanoTime() < deadline) {
      try {
        if (ask(port, name, Type.SRV).getSection(Section.ANSWER).size() == expected) {
          return;
        }
      } catch (java.io.IOException e) {
        // not up yet
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException(name + " SRV did not answer on port " + port + " in 30 s");
  }

  /**
   * A, SRV and their additional records of Cairn on port {@code cairn} and of {@code peer} agree
   * for a sample of services (order aside).
   */
  static void sameAnswers(
      int cairn, DnsPeer peer, List<Instance> instances, int services, int perService)
      throws Exception {
    for (int s : new int[] {0, services / 2, services - 1}) {
      String name = instances.get(s * perService).service() + ".service.cairn.";
      for (int type : new int[] {Type.A, Type.SRV}) {
        for (int section : new int[] {Section.ANSWER, Section.ADDITIONAL}) {
          List<String> a = rdata(ask(cairn, name, type), section);
          List<String> b = rdata(ask(peer.port(), name, type), section);
          if (section == Section.ADDITIONAL) {
            b.remove("ns.cairn. 127.0.0.1"); // NSD adds the name server's glue
          }
          if (!a.equals(b)) {
            throw new IllegalStateException(
                "cairn and "
                    + peer.name()
                    + " differ for "
                    + name
                    + " "
                    + Type.string(type)
                    + ": "
                    + a
                    + " / "
                    + b);
          }
        }
      }
    }
  }

  static List<String> rdata(Message m, int section) {
    List<String> out = new ArrayList<>();
    for (Record r : m.getSection(section)) {
      if (r.getType() != Type.OPT) {
        out.add(r.getName() + " " + r.rdataToString());
      }
    }
    Collections.sort(out);
    return out;
  }

  static Message ask(int port, String name, int type) throws Exception {
    SimpleResolver r = new SimpleResolver(new InetSocketAddress("127.0.0.1", port));
    r.setTimeout(Duration.ofSeconds(2));
    r.setTCP(true);
    return r.send(Message.newQuery(Record.newRecord(Name.fromString(name), type, 1)));
  }
}
