package io.cairn.dns.answer;

import java.util.ArrayList;
import java.util.List;

/**
 * The healthy instances behind one name in one domain ({@code web.service.cairn.}, {@code
 * v1.web.service.cairn.}), split by address kind for A and AAAA questions.
 */
final class AnswerSet {
  private static final InstanceRecords[] NONE = {};

  final InstanceRecords[] all;
  final InstanceRecords[] ipv4;
  final InstanceRecords[] ipv6;
  final InstanceRecords[] hostnames;

  private AnswerSet(Builder b) {
    this.all = b.all.toArray(NONE);
    this.ipv4 = b.ipv4.toArray(NONE);
    this.ipv6 = b.ipv6.toArray(NONE);
    this.hostnames = b.hostnames.toArray(NONE);
  }

  /** Collects instances in order; {@code kind} says which family list each one joins. */
  static final class Builder {
    private final List<InstanceRecords> all = new ArrayList<>();
    private final List<InstanceRecords> ipv4 = new ArrayList<>();
    private final List<InstanceRecords> ipv6 = new ArrayList<>();
    private final List<InstanceRecords> hostnames = new ArrayList<>();

    Builder add(InstanceRecords records, AddressKind kind) {
      all.add(records);
      switch (kind) {
        case IPV4 -> ipv4.add(records);
        case IPV6 -> ipv6.add(records);
        case HOSTNAME -> hostnames.add(records);
      }
      return this;
    }

    AnswerSet build() {
      return new AnswerSet(this);
    }
  }

  /** How an instance's address is written: A, AAAA, or a CNAME to a hostname. */
  enum AddressKind {
    IPV4,
    IPV6,
    HOSTNAME
  }
}
