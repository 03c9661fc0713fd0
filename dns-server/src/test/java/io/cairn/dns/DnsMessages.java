package io.cairn.dns;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.List;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Flags;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.OPTRecord;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.TextParseException;

/** Queries and replies in dnsjava's terms, for tests. */
public final class DnsMessages {
  private DnsMessages() {}

  public static Name name(String text) {
    try {
      return Name.fromString(text.endsWith(".") ? text : text + ".");
    } catch (TextParseException e) {
      throw new IllegalArgumentException(e);
    }
  }

  /** A query for {@code name} and {@code type} with RD set and no EDNS. */
  public static Message query(String name, int type) {
    return Message.newQuery(Record.newRecord(name(name), type, DClass.IN));
  }

  /** The same query with an OPT record advertising {@code payloadSize}. */
  public static Message queryWithEdns(String name, int type, int payloadSize) {
    Message m = query(name, type);
    m.addRecord(new OPTRecord(payloadSize, 0, 0), Section.ADDITIONAL);
    return m;
  }

  public static byte[] wire(Message m) {
    return m.toWire();
  }

  public static Message parse(byte[] reply) {
    try {
      return new Message(reply);
    } catch (IOException e) {
      throw new UncheckedIOException("reply does not parse", e);
    }
  }

  public static List<Record> answers(Message m) {
    return m.getSection(Section.ANSWER);
  }

  public static List<Record> authority(Message m) {
    return m.getSection(Section.AUTHORITY);
  }

  /** The additional section without the OPT record. */
  public static List<Record> additional(Message m) {
    return m.getSection(Section.ADDITIONAL).stream()
        .filter(r -> !(r instanceof OPTRecord))
        .toList();
  }

  public static boolean flag(Message m, int flag) {
    return m.getHeader().getFlag(flag);
  }

  public static boolean truncated(Message m) {
    return flag(m, Flags.TC);
  }
}
