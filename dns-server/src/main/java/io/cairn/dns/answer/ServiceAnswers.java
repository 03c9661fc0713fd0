package io.cairn.dns.answer;

import io.cairn.dns.DnsSettings;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.validation.NetworkAddresses;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.xbill.DNS.CNAMERecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.PTRRecord;
import org.xbill.DNS.SRVRecord;

/**
 * Everything DNS answers about one service name, in every domain: its healthy instances (all of
 * them and by tag); and, apart, the PTR records of the addresses of all its instances.
 */
final class ServiceAnswers {
  private static final byte[] NO_RECORD = {};
  private static final int SRV_PRIORITY = 1;

  /** The service name in lower case; names differing only in case are one DNS name. */
  final String name;

  /** Healthy instances, one set per domain (the primary first). */
  final AnswerSet[] all;

  /** Healthy instances by lower-case tag, one set per domain. */
  final Map<String, AnswerSet[]> byTag;

  private ServiceAnswers(String name, AnswerSet[] all, Map<String, AnswerSet[]> byTag) {
    this.name = name;
    this.all = all;
    this.byTag = byTag;
  }

  /** Whether any instance is healthy, that is whether the service's name exists in DNS. */
  boolean answers() {
    return all[0].all.length > 0;
  }

  /**
   * @param name the service name, lower case
   * @param rows every instance registered under that name (in any case), with its health
   */
  static ServiceAnswers build(
      String name, List<ServiceRow> rows, DnsSettings settings, List<ZoneRecords> zones) {
    long ttl = WireRecords.seconds(settings.ttlOf(name));
    Records records = new Records(ttl, zones);
    AnswerSet.Builder[] all = builders(zones.size());
    Map<String, AnswerSet.Builder[]> byTag = new LinkedHashMap<>();
    for (ServiceRow row : rows) {
      ServiceInstance instance = row.instance();
      String address = row.address();
      AnswerSet.AddressKind kind = kind(address);
      byte[] ip = kind == AnswerSet.AddressKind.HOSTNAME ? NO_RECORD : ip(address);
      int weight = weight(row, settings.onlyPassing());
      if (weight == 0) {
        continue;
      }
      byte[] addressRecord = records.address(address, ip);
      Set<String> tags = tags(instance);
      for (int z = 0; z < zones.size(); z++) {
        Name target = records.target(z, address, ip);
        byte[] srv =
            WireRecords.ownedByQuestion(
                new SRVRecord(
                    Name.root, DClass.IN, ttl, SRV_PRIORITY, weight, instance.port(), target));
        byte[] additional = ip.length == 0 ? NO_RECORD : records.targetAddress(z, target, ip);
        InstanceRecords r = new InstanceRecords(weight, addressRecord, srv, additional);
        all[z].add(r, kind);
        for (String tag : tags) {
          byTag.computeIfAbsent(tag, t -> builders(zones.size()))[z].add(r, kind);
        }
      }
    }
    Map<String, AnswerSet[]> tagSets = new HashMap<>();
    byTag.forEach((tag, b) -> tagSets.put(tag, build(b)));
    return new ServiceAnswers(name, build(all), Map.copyOf(tagSets));
  }

  /**
   * The PTR records of a service, owned by the question's name: by the hex of each instance IP
   * (healthy or not; {@code 0a000001} for 10.0.0.1, see {@link ReverseNames}), the one record
   * naming {@code <name>.service.<primary domain>.}. Cheaper than {@link #build}: the answer table
   * keeps these current on every change, and builds the rest when first asked.
   */
  /** The hex of an instance's IP, the key of its PTR record; none for a hostname. */
  static Optional<String> reverseHex(String address) {
    return kind(address) == AnswerSet.AddressKind.HOSTNAME
        ? Optional.empty()
        : Optional.of(WireRecords.hex(ip(address)));
  }

  /** The PTR record pointing Cairn's node address at {@code <node>.node.<domain>}. */
  static byte[] nodePointer(DnsSettings settings, List<ZoneRecords> zones) {
    long ttl = WireRecords.seconds(settings.ttl());
    Name target =
        WireRecords.name(
            settings.node().name().toLowerCase(Locale.ROOT) + ".node." + zones.getFirst().origin);
    return WireRecords.ownedByQuestion(new PTRRecord(Name.root, DClass.IN, ttl, target));
  }

  /** The PTR record pointing an address at service {@code name}. */
  static byte[] pointer(String name, DnsSettings settings, List<ZoneRecords> zones) {
    long ttl = WireRecords.seconds(settings.ttlOf(name));
    Name target = WireRecords.name(name + ".service." + zones.getFirst().origin);
    return WireRecords.ownedByQuestion(new PTRRecord(Name.root, DClass.IN, ttl, target));
  }

  /**
   * The weight an instance answers with; 0 leaves it out: critical or in maintenance, warning when
   * only passing instances count, or a weight of 0 for its status.
   */
  private static int weight(ServiceRow row, boolean onlyPassing) {
    HealthStatus status = row.status();
    if (status == HealthStatus.WARNING && onlyPassing) {
      return 0;
    }
    return row.instance().weights().forStatus(status);
  }

  /** Tags a question can name: one label of printable ASCII without dots, lower case. */
  private static Set<String> tags(ServiceInstance instance) {
    Set<String> tags = new LinkedHashSet<>();
    for (String tag : instance.tags()) {
      if (tag.length() <= 63 && tag.chars().allMatch(c -> c > 0x20 && c < 0x7f && c != '.')) {
        tags.add(tag.toLowerCase(Locale.ROOT));
      }
    }
    return tags;
  }

  private static AnswerSet.AddressKind kind(String address) {
    if (NetworkAddresses.isIpv4Literal(address)) {
      return AnswerSet.AddressKind.IPV4;
    }
    return address.indexOf(':') >= 0 ? AnswerSet.AddressKind.IPV6 : AnswerSet.AddressKind.HOSTNAME;
  }

  private static byte[] ip(String literal) {
    return WireRecords.parseAddress(literal);
  }

  private static AnswerSet.Builder[] builders(int zones) {
    AnswerSet.Builder[] b = new AnswerSet.Builder[zones];
    for (int i = 0; i < zones; i++) {
      b[i] = new AnswerSet.Builder();
    }
    return b;
  }

  private static AnswerSet[] build(AnswerSet.Builder[] builders) {
    AnswerSet[] sets = new AnswerSet[builders.length];
    for (int i = 0; i < sets.length; i++) {
      sets[i] = builders[i].build();
    }
    return sets;
  }

  /**
   * Records shared by the instances of one service: instances with the same address share one
   * array, so a reply can leave out repeats by identity.
   */
  private static final class Records {
    private final long ttl;
    private final List<ZoneRecords> zones;
    private final Map<String, byte[]> addresses = new HashMap<>();
    private final List<Map<String, byte[]>> targets;

    Records(long ttl, List<ZoneRecords> zones) {
      this.ttl = ttl;
      this.zones = zones;
      this.targets =
          zones.stream().map(z -> (Map<String, byte[]>) new HashMap<String, byte[]>()).toList();
    }

    /** A or AAAA owned by the question, or a CNAME to the hostname. */
    byte[] address(String address, byte[] ip) {
      return addresses.computeIfAbsent(
          address.toLowerCase(Locale.ROOT),
          a ->
              WireRecords.ownedByQuestion(
                  ip.length > 0
                      ? WireRecords.address(Name.root, ttl, ip)
                      : new CNAMERecord(Name.root, DClass.IN, ttl, WireRecords.name(a))));
    }

    /** {@code <hex-ip>.addr.<domain>.} for an IP, the hostname itself otherwise. */
    Name target(int zone, String address, byte[] ip) {
      return ip.length == 0
          ? WireRecords.name(address)
          : WireRecords.name(WireRecords.hex(ip) + ".addr." + zones.get(zone).origin);
    }

    /** The target's A or AAAA record for the additional section. */
    byte[] targetAddress(int zone, Name target, byte[] ip) {
      return targets
          .get(zone)
          .computeIfAbsent(
              WireRecords.hex(ip),
              h -> WireRecords.standalone(WireRecords.address(target, ttl, ip)));
    }
  }
}
