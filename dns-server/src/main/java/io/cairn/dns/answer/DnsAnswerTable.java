package io.cairn.dns.answer;

import io.cairn.dns.DnsSettings;
import io.cairn.dns.wire.Query;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.acl.Access;
import io.cairn.registry.acl.Authorizer;
import io.cairn.registry.catalog.CatalogNode;
import io.cairn.registry.catalog.CatalogState;
import io.cairn.registry.catalog.NodeService;
import io.cairn.registry.catalog.NodeServiceHealth;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.NetworkAddresses;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Predicate;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;
import org.pcollections.TreePMap;
import org.xbill.DNS.Type;

/**
 * Every answer Cairn's DNS can give at one registry index, in wire form, so a query is a hash
 * lookup plus copying bytes. A service's answers are built the first time a query needs them and
 * kept until the service changes; its PTR records are kept current on every change (a reverse
 * lookup must find every service's addresses). Immutable apart from those memos; {@link #update}
 * makes the next table sharing every service that did not change, built or not.
 */
public final class DnsAnswerTable {
  private static final byte[] ARPA = "arpa".getBytes(StandardCharsets.US_ASCII);

  private final DnsSettings settings;
  private final long index;
  private final List<ZoneRecords> zones;
  // Persistent maps: the next table shares all but the changed entries, at a cost that follows
  // the size of the change, not the number of services or instances. PTR targets are by the hex
  // of the IP: the services with an instance there, each with how many. The two maps with an
  // entry per instance or address are sorted trees: a hash map's entry holds about twice the
  // memory (at 100,000 instances about 25 MiB more), and only updates and PTR queries use them.
  private final PMap<String, LazyAnswers> services;
  private final PMap<String, Set<String>> registryNames;
  private final PMap<String, PMap<String, Integer>> pointers;
  private final PMap<String, Pointer> pointerOf;
  private final byte[] datacenter;
  private final Optional<String> nodeHex;
  private final List<byte[]> nodeText;
  // What the DNS token may read; every answer is for a service or node it may read.
  private final Authorizer acl;
  private final CatalogState catalog;

  /** Where an instance's address points: the hex of its IP and its service's key. */
  private record Pointer(String reverse, String key) {}

  private DnsAnswerTable(
      DnsSettings settings,
      long index,
      List<ZoneRecords> zones,
      PMap<String, LazyAnswers> services,
      PMap<String, Set<String>> registryNames,
      PMap<String, PMap<String, Integer>> pointers,
      PMap<String, Pointer> pointerOf,
      Authorizer acl,
      CatalogState catalog) {
    this.settings = settings;
    this.catalog = catalog;
    this.datacenter =
        settings.node().datacenter().toLowerCase(Locale.ROOT).getBytes(StandardCharsets.US_ASCII);
    this.nodeHex =
        settings.node().address().isEmpty()
            ? Optional.empty()
            : ServiceAnswers.reverseHex(settings.node().address());
    this.nodeText = NodeText.records(WireRecords.seconds(settings.ttl()), settings.node().meta());
    this.acl = acl;
    this.index = index;
    this.zones = zones;
    this.services = services;
    this.registryNames = registryNames;
    this.pointers = pointers;
    this.pointerOf = pointerOf;
  }

  /** The table of {@code snapshot}, built from scratch. */
  public static DnsAnswerTable build(RegistrySnapshot snapshot, DnsSettings settings) {
    byte[] server = serverAddress(settings.address());
    List<ZoneRecords> zones =
        settings.domains().stream()
            .map(d -> ZoneRecords.of(d, snapshot.index(), settings.ttl(), server))
            .toList();
    List<String> instances = new ArrayList<>();
    for (String service : snapshot.serviceNames()) {
      snapshot.instancesOf(service).forEach(i -> instances.add(i.value().id()));
    }
    Set<String> names = new TreeSet<>(snapshot.serviceNames());
    names.addAll(snapshot.catalog().serviceNames());
    return new DnsAnswerTable(
            settings,
            0,
            zones,
            HashTreePMap.empty(),
            HashTreePMap.empty(),
            TreePMap.empty(),
            TreePMap.empty(),
            Authorizer.ALLOW_ALL,
            CatalogState.EMPTY)
        .update(snapshot, names, instances);
  }

  /**
   * The table of {@code snapshot}, where only {@code changed} services and the PTR records of the
   * {@code changedInstances} differ from this table's: those are redone, everything else is shared.
   * A changed service's answers are built when first asked.
   */
  public DnsAnswerTable update(
      RegistrySnapshot snapshot, Collection<String> changed, Collection<String> changedInstances) {
    PMap<String, Set<String>> names = registryNames;
    Set<String> keys = new HashSet<>();
    for (String service : changed) {
      String key = service.toLowerCase(Locale.ROOT);
      keys.add(key);
      Set<String> spellings = new HashSet<>(names.getOrDefault(key, Set.of()));
      if (snapshot.instancesOf(service).isEmpty()
          && snapshot.catalog().servicesNamed(service).isEmpty()) {
        spellings.remove(service);
      } else {
        spellings.add(service);
      }
      names = spellings.isEmpty() ? names.minus(key) : names.plus(key, Set.copyOf(spellings));
    }
    PMap<String, LazyAnswers> nextServices = services;
    for (String key : keys) {
      Set<String> spellings = names.get(key);
      nextServices =
          spellings == null
              ? nextServices.minus(key)
              : nextServices.plus(
                  key, new LazyAnswers(key, snapshot, new TreeSet<>(spellings), settings, zones));
    }
    PMap<String, PMap<String, Integer>> nextPointers = pointers;
    PMap<String, Pointer> nextPointerOf = pointerOf;
    for (String id : changedInstances) {
      Pointer old = nextPointerOf.get(id);
      if (old != null) {
        nextPointers = count(nextPointers, old, -1);
        nextPointerOf = nextPointerOf.minus(id);
      }
      Optional<Pointer> now =
          snapshot
              .instance(id)
              .map(i -> i.value())
              .flatMap(
                  i ->
                      ServiceAnswers.reverseHex(i.address())
                          .map(hex -> new Pointer(hex, i.name().toLowerCase(Locale.ROOT))));
      if (now.isPresent()) {
        nextPointers = count(nextPointers, now.get(), 1);
        nextPointerOf = nextPointerOf.plus(id, now.get());
      }
    }
    List<ZoneRecords> nextZones =
        snapshot.index() == index
            ? zones
            : zones.stream().map(z -> z.withSerial(snapshot.index(), settings.ttl())).toList();
    return new DnsAnswerTable(
        settings,
        snapshot.index(),
        nextZones,
        nextServices,
        names,
        nextPointers,
        nextPointerOf,
        acl,
        snapshot.catalog());
  }

  /** What the table's answers may show: the DNS token's rights. */
  Authorizer acl() {
    return acl;
  }

  /** This table answering only what {@code dnsToken} may read (the DNS token's rights). */
  public DnsAnswerTable withAcl(Authorizer dnsToken) {
    return dnsToken == acl
        ? this
        : new DnsAnswerTable(
            settings,
            index,
            zones,
            services,
            registryNames,
            pointers,
            pointerOf,
            dnsToken,
            catalog);
  }

  private static PMap<String, PMap<String, Integer>> count(
      PMap<String, PMap<String, Integer>> pointers, Pointer p, int delta) {
    PMap<String, Integer> of = pointers.getOrDefault(p.reverse(), TreePMap.empty());
    int n = of.getOrDefault(p.key(), 0) + delta;
    PMap<String, Integer> rest = n <= 0 ? of.minus(p.key()) : of.plus(p.key(), n);
    return rest.isEmpty() ? pointers.minus(p.reverse()) : pointers.plus(p.reverse(), rest);
  }

  /** The registry index this table reflects. */
  public long index() {
    return index;
  }

  public DnsSettings settings() {
    return settings;
  }

  /** Service names (lower case) with at least one healthy instance. */
  public Set<String> services() {
    Set<String> names = new TreeSet<>();
    services.forEach(
        (name, answers) -> {
          if (answers.get(acl).answers()) {
            names.add(name);
          }
        });
    return names;
  }

  ZoneRecords zone(int zone) {
    return zones.get(zone);
  }

  /** What the question's name is: a service, an address, the apex, unknown, or not ours. */
  Resolution resolve(Query query) {
    int labels = query.labelCount();
    for (int z = 0; z < zones.size(); z++) {
      byte[][] zone = zones.get(z).labels;
      if (endsWith(query, zone)) {
        return inZone(query, z, labels - zone.length);
      }
    }
    if (labels > 2 && query.labelIs(labels - 1, ARPA)) {
      Optional<String> hex = ReverseNames.addressHex(query);
      List<byte[]> records = new ArrayList<>();
      if (hex.isPresent() && hex.equals(nodeHex) && readableNode()) {
        records.add(ServiceAnswers.nodePointer(settings, zones));
      }
      PMap<String, Integer> ptr = hex.map(pointers::get).orElse(null);
      if (ptr != null) {
        for (String key : new TreeSet<>(ptr.keySet())) {
          if (readable(key)) {
            records.add(ServiceAnswers.pointer(key, settings, zones));
          }
        }
      }
      if (!records.isEmpty()) {
        return new Resolution.Pointers(records);
      }
    }
    return Resolution.Outside.INSTANCE;
  }

  /** {@code prefix} labels come before the domain's. */
  private Resolution inZone(Query query, int zone, int prefix) {
    return switch (QueryNames.parse(query, prefix, datacenter)) {
      case NameForm.Service s when s.srvOnly() && query.type() != Type.SRV ->
          // Consul answers _web._tcp.<domain> for SRV only; the name exists for every type.
          service(zone, s.name(), s.tag()) instanceof Resolution.Service
              ? new Resolution.Empty(zone)
              : new Resolution.NoSuchName(zone);
      case NameForm.Service s -> service(zone, s.name(), s.tag());
      case NameForm.Node n -> node(zone, n.name());
      case NameForm.Address a -> new Resolution.Address(zone, a.ip());
      case NameForm.Fixed.APEX -> new Resolution.Apex(zone);
      case NameForm.Fixed.NAME_SERVER -> new Resolution.NameServer(zone);
      case NameForm.Fixed.EMPTY -> new Resolution.Empty(zone);
      case NameForm.Fixed.NO_SUCH_NAME -> new Resolution.NoSuchName(zone);
    };
  }

  /** Cairn's own node or a catalog node, if the DNS token may read it. */
  private Resolution node(int zone, String name) {
    DnsSettings.Node node = settings.node();
    if (!name.equalsIgnoreCase(node.name())) {
      // A catalog node: its address when that is an IP, its meta as TXT.
      return catalogNode(name)
          .filter(n -> acl.node(n.name()).allows(io.cairn.registry.acl.Access.READ))
          .<Resolution>map(
              n ->
                  new Resolution.Node(
                      zone,
                      NetworkAddresses.isIpLiteral(n.address())
                          ? WireRecords.parseAddress(n.address())
                          : new byte[0],
                      NodeText.records(WireRecords.seconds(settings.ttl()), n.meta())))
          .orElseGet(() -> new Resolution.NoSuchName(zone));
    }
    if (!readableNode()) {
      return new Resolution.NoSuchName(zone);
    }
    byte[] ip = node.address().isEmpty() ? new byte[0] : WireRecords.parseAddress(node.address());
    return new Resolution.Node(zone, ip, nodeText);
  }

  /** The catalog node named {@code name} in any case (DNS names are case-insensitive). */
  private Optional<CatalogNode> catalogNode(String name) {
    Indexed<CatalogNode> exact = catalog.nodes().get(name);
    if (exact != null) {
      return Optional.of(exact.value());
    }
    for (Indexed<CatalogNode> n : catalog.nodes().values()) {
      if (n.value().name().equalsIgnoreCase(name)) {
        return Optional.of(n.value());
      }
    }
    return Optional.empty();
  }

  private boolean readableNode() {
    return acl.node(settings.node().name()).allows(io.cairn.registry.acl.Access.READ);
  }

  /** Whether the DNS token may read every service spelled as {@code key} (lower case). */
  private boolean readable(String key) {
    if (acl == Authorizer.ALLOW_ALL) {
      return true;
    }
    for (String spelling : registryNames.getOrDefault(key, Set.of())) {
      if (!acl.service(spelling).allows(io.cairn.registry.acl.Access.READ)) {
        return false;
      }
    }
    return true;
  }

  private Resolution service(int zone, String name, String tag) {
    if (!readable(name)) {
      return new Resolution.NoSuchName(zone);
    }
    LazyAnswers lazy = services.get(name);
    ServiceAnswers answers = lazy == null ? null : lazy.get(acl);
    if (answers == null || !answers.answers()) {
      return new Resolution.NoSuchName(zone);
    }
    if (tag.equals(QueryNames.NO_TAG)) {
      return new Resolution.Service(zone, answers.all[zone]);
    }
    AnswerSet[] tagged = answers.byTag.get(tag);
    return tagged == null
        ? new Resolution.NoSuchName(zone)
        : new Resolution.Service(zone, tagged[zone]);
  }

  private static boolean endsWith(Query query, byte[][] zone) {
    int offset = query.labelCount() - zone.length;
    if (offset < 0) {
      return false;
    }
    for (int i = 0; i < zone.length; i++) {
      if (!query.labelIs(offset + i, zone[i])) {
        return false;
      }
    }
    return true;
  }

  /**
   * The address in {@code ns.<domain>}'s record: the listen address, or loopback for a wildcard.
   */
  private static byte[] serverAddress(String address) {
    if (NetworkAddresses.isIpLiteral(address)) {
      byte[] ip = WireRecords.parseAddress(address);
      boolean wildcard = true;
      for (byte b : ip) {
        wildcard &= b == 0;
      }
      if (!wildcard) {
        return ip;
      }
    }
    return new byte[] {127, 0, 0, 1};
  }

  /** How many services' answers have been built; for tests and metrics. */
  long builtServices() {
    return services.values().stream().filter(LazyAnswers::isBuilt).count();
  }

  /**
   * One service's answers, built from its rows when first asked. Two readers may both build them at
   * once; they build equal values and either may be kept.
   */
  private static final class LazyAnswers {
    /** The answers one token may see: a table's token asks every question it answers. */
    private record ForToken(Authorizer acl, ServiceAnswers answers) {}

    private final String name;
    private final RegistrySnapshot snapshot;
    private final Set<String> spellings;
    private final DnsSettings settings;
    private final List<ZoneRecords> zones;
    private volatile ServiceAnswers built;
    private volatile ForToken forToken;

    LazyAnswers(
        String name,
        RegistrySnapshot snapshot,
        Set<String> spellings,
        DnsSettings settings,
        List<ZoneRecords> zones) {
      this.name = name;
      this.snapshot = snapshot;
      this.spellings = spellings;
      this.settings = settings;
      this.zones = zones;
    }

    /**
     * The answers {@code acl} may see. Rows on catalog nodes need node:read as well (Cairn's own
     * node is the DNS server's); the decision, and the answers of a token that lacks it for one,
     * are kept for the last token asked, so a question costs no walk of the nodes.
     */
    ServiceAnswers get(Authorizer acl) {
      if (acl == Authorizer.ALLOW_ALL) {
        return all();
      }
      ForToken f = forToken;
      if (f != null && f.acl() == acl) {
        return f.answers();
      }
      ServiceAnswers answers =
          readsAllNodes(acl)
              ? all()
              : build(h -> acl.node(h.node().value().name()).allows(Access.READ));
      forToken = new ForToken(acl, answers);
      return answers;
    }

    private ServiceAnswers all() {
      ServiceAnswers b = built;
      if (b == null) {
        b = build(h -> true);
        built = b;
      }
      return b;
    }

    private boolean readsAllNodes(Authorizer acl) {
      for (String spelling : spellings) {
        for (Indexed<NodeService> s : snapshot.catalog().servicesNamed(spelling)) {
          if (!acl.node(s.value().node()).allows(Access.READ)) {
            return false;
          }
        }
      }
      return true;
    }

    private ServiceAnswers build(Predicate<NodeServiceHealth> catalogRows) {
      List<ServiceRow> rows = new ArrayList<>();
      for (String spelling : spellings) {
        snapshot.health(spelling).forEach(h -> rows.add(ServiceRow.of(h)));
        for (NodeServiceHealth h : snapshot.catalog().health(spelling)) {
          if (catalogRows.test(h)) {
            rows.add(ServiceRow.of(h));
          }
        }
      }
      return ServiceAnswers.build(name, rows, settings, zones);
    }

    boolean isBuilt() {
      return built != null;
    }
  }
}
