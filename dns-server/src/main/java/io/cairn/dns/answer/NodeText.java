package io.cairn.dns.answer;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.TreeMap;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Name;
import org.xbill.DNS.Record;
import org.xbill.DNS.Type;

/**
 * A node's metadata as TXT records, as Consul writes them: one record per entry, {@code key=value}
 * in RFC 1464's form (a backquote, an {@code =} and leading or trailing spaces in the key are
 * quoted with a backquote, a backquote in the value too), or the bare value for a key starting with
 * {@code rfc1035-}. Entries in key order.
 */
final class NodeText {
  private static final String VALUE_ONLY = "rfc1035-";
  private static final int MAX_STRING = 255;

  private NodeText() {}

  /** The TXT records of {@code meta}, owned by the question's name. */
  static List<byte[]> records(long ttl, Map<String, String> meta) {
    List<byte[]> records = new ArrayList<>(meta.size());
    new TreeMap<>(meta)
        .forEach(
            (key, value) ->
                records.add(
                    WireRecords.ownedByQuestion(
                        Record.newRecord(
                            Name.root, Type.TXT, DClass.IN, ttl, rdata(text(key, value))))));
    return List.copyOf(records);
  }

  /** The text of one entry. */
  static String text(String key, String value) {
    if (key.toLowerCase(Locale.ROOT).startsWith(VALUE_ONLY)) {
      return value;
    }
    return rfc1464Key(key) + "=" + value.replace("`", "``");
  }

  private static String rfc1464Key(String key) {
    String quoted = key.replace("`", "``").replace("=", "`=");
    int start = 0;
    while (start < quoted.length() && quoted.charAt(start) == ' ') {
      start++;
    }
    int end = quoted.length();
    while (end > start && quoted.charAt(end - 1) == ' ') {
      end--;
    }
    return "` ".repeat(start) + quoted.substring(start, end) + "` ".repeat(quoted.length() - end);
  }

  /** TXT rdata: the text's UTF-8 bytes as character-strings of at most 255 bytes each. */
  private static byte[] rdata(String text) {
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    ByteArrayOutputStream out = new ByteArrayOutputStream(bytes.length + bytes.length / 255 + 1);
    int at = 0;
    do {
      int length = Math.min(MAX_STRING, bytes.length - at);
      out.write(length);
      out.write(bytes, at, length);
      at += length;
    } while (at < bytes.length);
    return out.toByteArray();
  }
}
