package io.cairn.xds.pgv;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.List;

/**
 * PGV's numeric rules, one implementation for all twelve types: values are compared as {@link
 * BigDecimal}s, unsigned types read as unsigned. As in PGV, a lower bound above the upper bound
 * means the value must lie outside the range.
 */
final class NumberRules {
  private NumberRules() {}

  static void check(
      EnvoyRules out, String path, FieldDescriptor field, Object value, FieldRules r) {
    String kind = r.getTypeCase().name().toLowerCase();
    Message rules = (Message) r.getField(FieldRules.getDescriptor().findFieldByName(kind));
    Rules.known(
        path, kind, rules, "const", "lt", "lte", "gt", "gte", "in", "not_in", "ignore_empty");
    Object raw = value instanceof MessageOrBuilder ? EnvoyRules.unwrap(value, Object.class) : value;
    BigDecimal v = number(kind, raw);
    if (bool(rules, "ignore_empty") && v.signum() == 0) {
      return;
    }
    BigDecimal constant = bound(kind, rules, "const");
    if (constant != null && v.compareTo(constant) != 0) {
      out.add(path, kind + ".const", "must be " + constant + ", is " + v);
    }
    BigDecimal lt = bound(kind, rules, "lt");
    BigDecimal lte = bound(kind, rules, "lte");
    BigDecimal gt = bound(kind, rules, "gt");
    BigDecimal gte = bound(kind, rules, "gte");
    Boolean upper = null;
    if (lt != null || lte != null) {
      upper = lt != null ? v.compareTo(lt) < 0 : v.compareTo(lte) <= 0;
    }
    Boolean lower = null;
    if (gt != null || gte != null) {
      lower = gt != null ? v.compareTo(gt) > 0 : v.compareTo(gte) >= 0;
    }
    boolean ok;
    if (upper != null && lower != null) {
      BigDecimal hi = lt != null ? lt : lte;
      BigDecimal lo = gt != null ? gt : gte;
      ok = hi.compareTo(lo) < 0 ? upper || lower : upper && lower;
    } else {
      ok = (upper == null || upper) && (lower == null || lower);
    }
    if (!ok) {
      out.add(
          path,
          kind + ".range",
          v
              + " is out of range"
              + describe("lt", lt)
              + describe("lte", lte)
              + describe("gt", gt)
              + describe("gte", gte));
    }
    List<BigDecimal> in = list(kind, rules, "in");
    if (!in.isEmpty() && in.stream().noneMatch(x -> x.compareTo(v) == 0)) {
      out.add(path, kind + ".in", v + " is not one of " + in);
    }
    if (list(kind, rules, "not_in").stream().anyMatch(x -> x.compareTo(v) == 0)) {
      out.add(path, kind + ".not_in", v + " is forbidden");
    }
  }

  private static String describe(String name, BigDecimal bound) {
    return bound == null ? "" : " " + name + " " + bound;
  }

  private static boolean bool(Message rules, String name) {
    FieldDescriptor f = rules.getDescriptorForType().findFieldByName(name);
    return f != null && rules.hasField(f) && (Boolean) rules.getField(f);
  }

  private static BigDecimal bound(String kind, Message rules, String name) {
    FieldDescriptor f = rules.getDescriptorForType().findFieldByName(name);
    return rules.hasField(f) ? number(kind, rules.getField(f)) : null;
  }

  private static List<BigDecimal> list(String kind, Message rules, String name) {
    FieldDescriptor f = rules.getDescriptorForType().findFieldByName(name);
    return ((List<?>) rules.getField(f)).stream().map(x -> number(kind, x)).toList();
  }

  static BigDecimal number(String kind, Object raw) {
    return switch (kind) {
      case "uint32", "fixed32" -> BigDecimal.valueOf(Integer.toUnsignedLong((Integer) raw));
      case "uint64", "fixed64" -> new BigDecimal(new BigInteger(Long.toUnsignedString((Long) raw)));
      case "float" -> new BigDecimal(Float.toString((Float) raw));
      case "double" -> BigDecimal.valueOf((Double) raw);
      default -> BigDecimal.valueOf(((Number) raw).longValue());
    };
  }
}
