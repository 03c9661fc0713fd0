package io.cairn.dns.answer;

import io.cairn.dns.wire.ParsedQuery;
import io.cairn.dns.wire.Query;
import io.cairn.dns.wire.QueryParser;
import io.cairn.dns.wire.ResponseWriter;
import io.cairn.dns.wire.Transport;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Set;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import java.util.random.RandomGenerator;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Type;

/**
 * Turns a query packet into a reply packet from the current {@link DnsAnswerTable}: a lookup, a
 * weighted shuffle and copying precomputed records. Protocol errors become response codes; nothing
 * a packet holds makes it throw. Thread-safe.
 */
public final class QueryHandler {
  private final Supplier<DnsAnswerTable> tables;
  private final Supplier<RandomGenerator> random;

  /** A handler answering from {@code tables.get()} at each query, ordering at random. */
  public QueryHandler(Supplier<DnsAnswerTable> tables) {
    this(tables, ThreadLocalRandom::current);
  }

  /** A handler whose weighted order draws from {@code random} (tests fix the seed). */
  public QueryHandler(Supplier<DnsAnswerTable> tables, Supplier<RandomGenerator> random) {
    this.tables = tables;
    this.random = random;
  }

  /** The reply to {@code packet}, which arrived over {@code transport}. */
  public Reply handle(byte[] packet, Transport transport) {
    DnsAnswerTable table = tables.get();
    boolean recursion = !table.settings().recursors().isEmpty();
    return switch (QueryParser.parse(packet)) {
      case ParsedQuery.Ignored ignored -> Reply.Drop.INSTANCE;
      case ParsedQuery.Rejected r ->
          new Reply.Send(ResponseWriter.rejection(r, recursion), Reply.NO_TYPE, r.rcode(), false);
      case Query query -> answer(table, query, transport, recursion);
    };
  }

  /** SERVFAIL for a forwarded query no recursor answered. */
  public Reply.Send serverFailure(Query query, Transport transport) {
    return error(query, transport, true, Rcode.SERVFAIL);
  }

  private Reply answer(DnsAnswerTable table, Query query, Transport transport, boolean recursion) {
    int type = query.type();
    if (type == Type.AXFR || type == Type.IXFR || (type >= 128 && type != Type.ANY)) {
      return error(query, transport, recursion, Rcode.NOTIMP); // zone transfers, meta types
    }
    if (query.dclass() != DClass.IN && query.dclass() != DClass.ANY) {
      return error(query, transport, recursion, Rcode.REFUSED);
    }
    Resolution resolution = table.resolve(query);
    if (resolution == Resolution.Outside.INSTANCE) {
      return recursion ? new Reply.Forward(query) : error(query, transport, false, Rcode.REFUSED);
    }
    ResponseWriter w =
        ResponseWriter.reply(query, transport.replyLimit(query))
            .authoritative(true)
            .recursionAvailable(recursion);
    int rcode = write(table, type, resolution, w);
    byte[] message = w.rcode(rcode).finish();
    return new Reply.Send(message, type, rcode, w.truncated());
  }

  private static Reply.Send error(Query query, Transport transport, boolean ra, int rcode) {
    byte[] message =
        ResponseWriter.reply(query, transport.replyLimit(query))
            .recursionAvailable(ra)
            .rcode(rcode)
            .finish();
    return new Reply.Send(message, query.type(), rcode, false);
  }

  /** Writes the records for {@code resolution}; returns the rcode. */
  private int write(DnsAnswerTable table, int type, Resolution resolution, ResponseWriter w) {
    switch (resolution) {
      case Resolution.Service s -> {
        if (!service(table.settings().answerLimit(), type, s.set(), w)) {
          w.authority(table.zone(s.zone()).soa);
        }
      }
      case Resolution.Address a -> {
        byte[] record =
            WireRecords.addressOwnedByQuestion(WireRecords.seconds(table.settings().ttl()), a.ip());
        if (type == Type.ANY || type == addressType(a.ip())) {
          w.answer(record);
        } else {
          w.additional(record); // as Consul: the address of the other family comes as additional
        }
      }
      case Resolution.Node n -> node(table, type, n, w);
      case Resolution.Apex a -> apex(table.zone(a.zone()), type, w);
      case Resolution.NameServer n -> {
        ZoneRecords zone = table.zone(n.zone());
        if (type == Type.ANY || type == zone.glueType) {
          w.answer(zone.glueAnswer);
        } else {
          w.authority(zone.soa);
        }
      }
      case Resolution.Empty e -> w.authority(table.zone(e.zone()).soa);
      case Resolution.NoSuchName n -> {
        w.authority(table.zone(n.zone()).soa);
        return Rcode.NXDOMAIN;
      }
      case Resolution.Pointers p -> {
        if (type == Type.PTR || type == Type.ANY) {
          for (byte[] record : p.records()) {
            w.answer(record);
          }
        }
      }
      case Resolution.Outside o -> throw new IllegalStateException("answered by a recursor");
    }
    return Rcode.NOERROR;
  }

  /**
   * A node's address for A or AAAA, its meta as TXT records for TXT (with the address as an
   * additional record), both for ANY, as Consul answers; otherwise NODATA.
   */
  private static void node(DnsAnswerTable table, int type, Resolution.Node n, ResponseWriter w) {
    byte[] address =
        n.ip().length == 0
            ? n.ip()
            : WireRecords.addressOwnedByQuestion(
                WireRecords.seconds(table.settings().ttl()), n.ip());
    boolean withAddress = address.length > 0 && (type == Type.ANY || type == addressType(n.ip()));
    boolean withText = !n.text().isEmpty() && (type == Type.ANY || type == Type.TXT);
    if (!withAddress && !withText) {
      w.authority(table.zone(n.zone()).soa);
      return;
    }
    if (withAddress) {
      w.answer(address);
    }
    if (withText) {
      for (byte[] text : n.text()) {
        if (!w.answer(text)) {
          break; // truncated
        }
      }
    }
    if (type == Type.TXT && address.length > 0) {
      w.additional(address);
    }
  }

  private static int addressType(byte[] ip) {
    return ip.length == 4 ? Type.A : Type.AAAA;
  }

  private static void apex(ZoneRecords zone, int type, ResponseWriter w) {
    switch (type) {
      case Type.SOA -> w.answer(zone.soa);
      case Type.NS -> {
        w.answer(zone.ns);
        w.additional(zone.glue);
      }
      case Type.ANY -> {
        w.answer(zone.soa);
        w.answer(zone.ns);
        w.additional(zone.glue);
      }
      default -> w.authority(zone.soa);
    }
  }

  /** Writes a service's records of {@code type}; false when it has none (NODATA). */
  private boolean service(int limit, int type, AnswerSet set, ResponseWriter w) {
    return switch (type) {
      case Type.A -> addresses(limit, set.ipv4, w) || cname(set.hostnames, w);
      case Type.AAAA -> addresses(limit, set.ipv6, w) || cname(set.hostnames, w);
      case Type.ANY ->
          addresses(limit, set.ipv4, w) | addresses(limit, set.ipv6, w) || cname(set.hostnames, w);
      case Type.SRV -> srv(limit, set.all, w);
      default -> false;
    };
  }

  /** The address records of {@code records} in weighted order, each address once. */
  private boolean addresses(int limit, InstanceRecords[] records, ResponseWriter w) {
    if (records.length == 0) {
      return false;
    }
    Seen seen = new Seen(records.length);
    int written = 0;
    for (int i : WeightedOrder.of(records, 0, random.get())) {
      byte[] record = records[i].address();
      if (seen.add(record) && (!w.answer(record) || ++written == limit)) {
        break;
      }
    }
    return true;
  }

  /** One CNAME to a hostname, picked by weight: a name may own one CNAME and nothing else. */
  private boolean cname(InstanceRecords[] hostnames, ResponseWriter w) {
    if (hostnames.length == 0) {
      return false;
    }
    w.answer(hostnames[WeightedOrder.of(hostnames, 1, random.get())[0]].address());
    return true;
  }

  /** SRV records in weighted order, then their targets' addresses as additional records. */
  private boolean srv(int limit, InstanceRecords[] records, ResponseWriter w) {
    if (records.length == 0) {
      return false;
    }
    int[] order = WeightedOrder.of(records, limit, random.get());
    int answered = 0;
    while (answered < order.length && w.answer(records[order[answered]].srv())) {
      answered++;
    }
    Seen seen = new Seen(answered);
    for (int k = 0; k < answered; k++) {
      byte[] target = records[order[k]].target();
      if (target.length > 0 && seen.add(target) && !w.additional(target)) {
        break;
      }
    }
    return true;
  }

  /** Records already written, by identity (instances with one address share its arrays). */
  private static final class Seen {
    private final byte[][] small;
    private final Set<byte[]> large;
    private int count;

    Seen(int expected) {
      small = expected <= 16 ? new byte[expected][] : null;
      large = expected <= 16 ? Set.of() : Collections.newSetFromMap(new IdentityHashMap<>());
    }

    boolean add(byte[] record) {
      if (small == null) {
        return large.add(record);
      }
      for (int i = 0; i < count; i++) {
        if (small[i] == record) {
          return false;
        }
      }
      small[count++] = record;
      return true;
    }
  }
}
