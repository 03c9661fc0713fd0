package io.cairn.dns.answer;

import io.cairn.dns.wire.ParsedQuery;
import io.cairn.dns.wire.Query;
import io.cairn.dns.wire.QueryParser;
import io.cairn.dns.wire.ResponseWriter;
import io.cairn.dns.wire.Transport;
import java.util.Arrays;
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
  // The replies of the latest table asked about; replaced when the table is.
  private volatile ReplyCache cache;

  /** A handler answering from {@code tables.get()} at each query, ordering at random. */
  public QueryHandler(Supplier<DnsAnswerTable> tables) {
    this(tables, ThreadLocalRandom::current);
  }

  /** A handler whose weighted order draws from {@code random} (tests fix the seed). */
  public QueryHandler(Supplier<DnsAnswerTable> tables, Supplier<RandomGenerator> random) {
    this.tables = tables;
    this.random = random;
  }

  /** The reply to {@code packet}, which arrived over {@code transport}. Never cached. */
  public Reply handle(byte[] packet, Transport transport) {
    return handle(tables.get(), packet, transport, new Draws(random));
  }

  /**
   * Answers the UDP query in {@code exchange} from the reply cache of the current table, into its
   * reply buffer; false when the cache has no reply to reuse (then call {@link
   * #handle(UdpExchange)}). Creates no objects when it answers.
   */
  public boolean answerFromCache(UdpExchange exchange) {
    exchange.keyed = exchange.question.read(exchange.packet(), exchange.length());
    if (!exchange.keyed) {
      return false;
    }
    int length =
        cacheFor(tables.get())
            .reply(
                exchange.question,
                exchange.packet(),
                exchange.reply(),
                exchange.keys,
                exchange.order);
    if (length < 0) {
      return false;
    }
    exchange.replied(length);
    return true;
  }

  /**
   * The reply to the UDP query in {@code exchange}, answered as {@link #handle(byte[], Transport)}
   * does, and kept in the reply cache when it may be reused: a full reply (not truncated) to a
   * plain question (see {@link io.cairn.dns.wire.QuestionKey}).
   */
  public Reply handle(UdpExchange exchange) {
    DnsAnswerTable table = tables.get();
    byte[] packet = exchange.packetCopy();
    Draws draws = new Draws(random);
    Reply reply = handle(table, packet, Transport.UDP, draws);
    if (exchange.keyed && reply instanceof Reply.Send s && !s.truncated()) {
      if (draws.drawn == 0) {
        cacheFor(table).put(exchange.question, packet, new byte[][] {s.message()}, new double[0]);
      } else if (draws.drawn == 1 && draws.weights.length <= ReplyCache.MAX_SHUFFLED) {
        byte[][] replies = everyOrder(table, packet, draws.weights.length);
        if (replies.length > 0) {
          cacheFor(table).put(exchange.question, packet, replies, draws.weights);
        }
      }
    }
    return reply;
  }

  /**
   * The reply to {@code packet} for every order of its one shuffled set of {@code n} records, by
   * {@link ReplyCache#rank} of the order; none when one of them is not a full reply.
   */
  private static byte[][] everyOrder(DnsAnswerTable table, byte[] packet, int n) {
    byte[][] replies = new byte[ReplyCache.factorial(n)][];
    int[] order = new int[n];
    for (int i = 0; i < n; i++) {
      order[i] = i;
    }
    do {
      Draws given = Draws.given(order.clone());
      if (!(handle(table, packet, Transport.UDP, given) instanceof Reply.Send s)
          || s.truncated()
          || given.drawn != 1) {
        return new byte[0][];
      }
      replies[ReplyCache.rank(order)] = s.message();
    } while (nextPermutation(order));
    return replies;
  }

  /** Steps {@code a} to its next permutation in lexicographic order; false after the last. */
  private static boolean nextPermutation(int[] a) {
    int i = a.length - 2;
    while (i >= 0 && a[i] >= a[i + 1]) {
      i--;
    }
    if (i < 0) {
      return false;
    }
    int j = a.length - 1;
    while (a[j] <= a[i]) {
      j--;
    }
    int t = a[i];
    a[i] = a[j];
    a[j] = t;
    for (int l = i + 1, r = a.length - 1; l < r; l++, r--) {
      t = a[l];
      a[l] = a[r];
      a[r] = t;
    }
    return true;
  }

  private ReplyCache cacheFor(DnsAnswerTable table) {
    ReplyCache c = cache;
    if (c == null || !c.of(table)) {
      c = new ReplyCache(table);
      cache = c;
    }
    return c;
  }

  private static Reply handle(
      DnsAnswerTable table, byte[] packet, Transport transport, Draws draws) {
    boolean recursion = !table.settings().recursors().isEmpty();
    return switch (QueryParser.parse(packet)) {
      case ParsedQuery.Ignored ignored -> Reply.Drop.INSTANCE;
      case ParsedQuery.Rejected r ->
          new Reply.Send(ResponseWriter.rejection(r, recursion), Reply.NO_TYPE, r.rcode(), false);
      case Query query -> answer(table, query, transport, recursion, draws);
    };
  }

  /** SERVFAIL for a forwarded query no recursor answered. */
  public Reply.Send serverFailure(Query query, Transport transport) {
    return error(query, transport, true, Rcode.SERVFAIL);
  }

  private static Reply answer(
      DnsAnswerTable table, Query query, Transport transport, boolean recursion, Draws draws) {
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
    int rcode = write(table, type, resolution, w, draws);
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
  private static int write(
      DnsAnswerTable table, int type, Resolution resolution, ResponseWriter w, Draws draws) {
    switch (resolution) {
      case Resolution.Service s -> {
        if (!service(table.settings().answerLimit(), type, s.set(), w, draws)) {
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
  private static boolean service(
      int limit, int type, AnswerSet set, ResponseWriter w, Draws draws) {
    return switch (type) {
      case Type.A -> addresses(limit, set.ipv4, w, draws) || cname(set.hostnames, w, draws);
      case Type.AAAA -> addresses(limit, set.ipv6, w, draws) || cname(set.hostnames, w, draws);
      case Type.ANY ->
          addresses(limit, set.ipv4, w, draws) | addresses(limit, set.ipv6, w, draws)
              || cname(set.hostnames, w, draws);
      case Type.SRV -> srv(limit, set.all, w, draws);
      default -> false;
    };
  }

  /** The address records of {@code records} in weighted order, each address once. */
  private static boolean addresses(
      int limit, InstanceRecords[] records, ResponseWriter w, Draws draws) {
    if (records.length == 0) {
      return false;
    }
    Seen seen = new Seen(records.length);
    int written = 0;
    for (int i : draws.order(records, 0)) {
      byte[] record = records[i].address();
      if (seen.add(record) && (!w.answer(record) || ++written == limit)) {
        break;
      }
    }
    return true;
  }

  /** One CNAME to a hostname, picked by weight: a name may own one CNAME and nothing else. */
  private static boolean cname(InstanceRecords[] hostnames, ResponseWriter w, Draws draws) {
    if (hostnames.length == 0) {
      return false;
    }
    w.answer(hostnames[draws.order(hostnames, 1)[0]].address());
    return true;
  }

  /** SRV records in weighted order, then their targets' addresses as additional records. */
  private static boolean srv(int limit, InstanceRecords[] records, ResponseWriter w, Draws draws) {
    if (records.length == 0) {
      return false;
    }
    int[] order = draws.order(records, limit);
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

  /**
   * Where one query's weighted orders come from: drawn at random, or one given order (to build
   * every order's reply for the cache). Notes how many orders were drawn and, of the first, the
   * candidates' weights.
   */
  private static final class Draws {
    private final Supplier<RandomGenerator> random;
    private final int[] given;
    private int drawn;
    private double[] weights = {};

    Draws(Supplier<RandomGenerator> random) {
      this.random = random;
      this.given = new int[0];
    }

    private Draws(int[] given) {
      this.random = ThreadLocalRandom::current;
      this.given = given;
    }

    /** Draws that order the one shuffled set of records as {@code order} says. */
    static Draws given(int[] order) {
      return new Draws(order);
    }

    /** Positions into {@code records} in weighted order, at most {@code limit} (0: all). */
    int[] order(InstanceRecords[] records, int limit) {
      if (records.length > 1) {
        if (drawn++ == 0) {
          weights = new double[records.length];
          for (int i = 0; i < records.length; i++) {
            weights[i] = records[i].weight();
          }
        }
        if (given.length == records.length) {
          return Arrays.copyOf(given, limit == 0 ? given.length : Math.min(limit, given.length));
        }
      }
      return WeightedOrder.of(records, limit, random.get());
    }
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
