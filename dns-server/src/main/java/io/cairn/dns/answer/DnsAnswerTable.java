package io.cairn.dns.answer;

import io.cairn.dns.DnsSettings;
import io.cairn.dns.wire.Query;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.model.InstanceHealth;
import io.cairn.registry.validation.NetworkAddresses;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.HashSet;
import java.util.HexFormat;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.pcollections.HashTreePMap;
import org.pcollections.PMap;

/**
 * Every answer Cairn's DNS can give at one registry index, in wire form, so a query is a hash
 * lookup plus copying bytes. A service's answers are built the first time a query needs them and
 * kept until the service changes; its PTR records are kept current on every change (a reverse
 * lookup must find every service's addresses). Immutable apart from those memos; {@link #update}
 * makes the next table sharing every service that did not change, built or not.
 */
public final class DnsAnswerTable {
  private static final byte[] SERVICE = "service".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ADDR = "addr".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] NS = "ns".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] ARPA = "arpa".getBytes(StandardCharsets.US_ASCII);
  private static final String NO_TAG = "";
  private static final String RFC2782_ANY = "tcp";

  private final DnsSettings settings;
  private final long index;
  private final List<ZoneRecords> zones;
  // Persistent maps: the next table shares all but the changed entries, at a cost that follows
  // the size of the change, not the number of services. PTR records are by the hex of the IP.
  private final PMap<String, LazyAnswers> services;
  private final PMap<String, Set<String>> registryNames;
  private final PMap<String, PMap<String, byte[]>> pointers;

  private DnsAnswerTable(
      DnsSettings settings,
      long index,
      List<ZoneRecords> zones,
      PMap<String, LazyAnswers> services,
      PMap<String, Set<String>> registryNames,
      PMap<String, PMap<String, byte[]>> pointers) {
    this.settings = settings;
    this.index = index;
    this.zones = zones;
    this.services = services;
    this.registryNames = registryNames;
    this.pointers = pointers;
  }

  /** The table of {@code snapshot}, built from scratch. */
  public static DnsAnswerTable build(RegistrySnapshot snapshot, DnsSettings settings) {
    byte[] server = serverAddress(settings.address());
    List<ZoneRecords> zones =
        settings.domains().stream()
            .map(d -> ZoneRecords.of(d, snapshot.index(), settings.ttl(), server))
            .toList();
    return new DnsAnswerTable(
            settings, 0, zones, HashTreePMap.empty(), HashTreePMap.empty(), HashTreePMap.empty())
        .update(snapshot, snapshot.serviceNames());
  }

  /**
   * The table of {@code snapshot}, where only {@code changed} services differ from this table's:
   * those are rebuilt, every other one is shared.
   */
  public DnsAnswerTable update(RegistrySnapshot snapshot, Collection<String> changed) {
    PMap<String, Set<String>> names = registryNames;
    Set<String> keys = new HashSet<>();
    for (String service : changed) {
      String key = service.toLowerCase(Locale.ROOT);
      keys.add(key);
      Set<String> spellings = new HashSet<>(names.getOrDefault(key, Set.of()));
      if (snapshot.instancesOf(service).isEmpty()) {
        spellings.remove(service);
      } else {
        spellings.add(service);
      }
      names = spellings.isEmpty() ? names.minus(key) : names.plus(key, Set.copyOf(spellings));
    }
    PMap<String, LazyAnswers> nextServices = services;
    PMap<String, PMap<String, byte[]>> nextPointers = pointers;
    for (String key : keys) {
      LazyAnswers old = nextServices.get(key);
      if (old != null) {
        nextServices = nextServices.minus(key);
        for (String reverse : old.pointers.keySet()) {
          nextPointers = unlink(nextPointers, reverse, key);
        }
      }
      Set<String> spellings = names.get(key);
      if (spellings == null) {
        continue;
      }
      List<InstanceHealth> rows = new ArrayList<>();
      for (String spelling : new TreeSet<>(spellings)) {
        rows.addAll(snapshot.health(spelling));
      }
      LazyAnswers fresh = new LazyAnswers(key, Collections.unmodifiableList(rows), settings, zones);
      nextServices = nextServices.plus(key, fresh);
      for (Map.Entry<String, byte[]> p : fresh.pointers.entrySet()) {
        nextPointers = link(nextPointers, p.getKey(), key, p.getValue());
      }
    }
    List<ZoneRecords> nextZones =
        snapshot.index() == index
            ? zones
            : zones.stream().map(z -> z.withSerial(snapshot.index(), settings.ttl())).toList();
    return new DnsAnswerTable(
        settings, snapshot.index(), nextZones, nextServices, names, nextPointers);
  }

  private static PMap<String, PMap<String, byte[]>> link(
      PMap<String, PMap<String, byte[]>> pointers, String reverse, String key, byte[] record) {
    PMap<String, byte[]> of = pointers.get(reverse);
    return pointers.plus(
        reverse, (of == null ? HashTreePMap.<String, byte[]>empty() : of).plus(key, record));
  }

  private static PMap<String, PMap<String, byte[]>> unlink(
      PMap<String, PMap<String, byte[]>> pointers, String reverse, String key) {
    PMap<String, byte[]> of = pointers.get(reverse);
    if (of == null) {
      return pointers;
    }
    PMap<String, byte[]> rest = of.minus(key);
    return rest.isEmpty() ? pointers.minus(reverse) : pointers.plus(reverse, rest);
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
          if (answers.get().answers()) {
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
      Map<String, byte[]> ptr = ReverseNames.addressHex(query).map(pointers::get).orElse(null);
      if (ptr != null) {
        return new Resolution.Pointers(ptr.values());
      }
    }
    return Resolution.Outside.INSTANCE;
  }

  /** {@code prefix} labels come before the domain's. */
  private Resolution inZone(Query query, int zone, int prefix) {
    if (prefix == 0) {
      return new Resolution.Apex(zone);
    }
    if (query.labelIs(prefix - 1, SERVICE)) {
      return switch (prefix) {
        case 1 -> new Resolution.Empty(zone);
        case 2 -> service(zone, query.label(0), NO_TAG);
        case 3 -> {
          String first = query.label(0);
          String second = query.label(1);
          yield first.startsWith("_") && second.startsWith("_")
              ? service(zone, first.substring(1), rfc2782Tag(second.substring(1)))
              : service(zone, second, first); // v1.web
        }
        default -> new Resolution.NoSuchName(zone);
      };
    }
    if (query.labelIs(prefix - 1, ADDR)) {
      return switch (prefix) {
        case 1 -> new Resolution.Empty(zone);
        case 2 -> address(zone, query.label(0));
        default -> new Resolution.NoSuchName(zone);
      };
    }
    if (prefix == 1 && query.labelIs(0, NS)) {
      return new Resolution.NameServer(zone);
    }
    return new Resolution.NoSuchName(zone);
  }

  /** {@code _web._tcp} (RFC 2782) names every instance; {@code _web._v1} those tagged v1. */
  private static String rfc2782Tag(String protocolOrTag) {
    return protocolOrTag.equals(RFC2782_ANY) ? NO_TAG : protocolOrTag;
  }

  private Resolution service(int zone, String name, String tag) {
    LazyAnswers lazy = services.get(name);
    ServiceAnswers answers = lazy == null ? null : lazy.get();
    if (answers == null || !answers.answers()) {
      return new Resolution.NoSuchName(zone);
    }
    if (tag.equals(NO_TAG)) {
      return new Resolution.Service(zone, answers.all[zone]);
    }
    AnswerSet[] tagged = answers.byTag.get(tag);
    return tagged == null
        ? new Resolution.NoSuchName(zone)
        : new Resolution.Service(zone, tagged[zone]);
  }

  private static Resolution address(int zone, String hex) {
    if ((hex.length() == 8 || hex.length() == 32) && hex.chars().allMatch(HexFormat::isHexDigit)) {
      return new Resolution.Address(zone, HexFormat.of().parseHex(hex));
    }
    return new Resolution.NoSuchName(zone);
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
    private final String name;
    private final List<InstanceHealth> rows;
    private final DnsSettings settings;
    private final List<ZoneRecords> zones;
    final Map<String, byte[]> pointers;
    private volatile ServiceAnswers built;

    LazyAnswers(
        String name, List<InstanceHealth> rows, DnsSettings settings, List<ZoneRecords> zones) {
      this.name = name;
      this.rows = rows;
      this.settings = settings;
      this.zones = zones;
      this.pointers = ServiceAnswers.pointers(name, rows, settings, zones);
    }

    ServiceAnswers get() {
      ServiceAnswers b = built;
      if (b == null) {
        b = ServiceAnswers.build(name, rows, settings, zones);
        built = b;
      }
      return b;
    }

    boolean isBuilt() {
      return built != null;
    }
  }
}
