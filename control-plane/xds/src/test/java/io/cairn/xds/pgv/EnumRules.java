package io.cairn.xds.pgv;

import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import io.envoyproxy.pgv.validate.Validate;

/** PGV's enum rules: {@code defined_only} rejects numbers the enum does not name. */
final class EnumRules {
  private EnumRules() {}

  static void check(
      EnvoyRules out,
      String path,
      FieldDescriptor field,
      EnumValueDescriptor v,
      Validate.EnumRules r) {
    Rules.known(path, "enum", r, "const", "defined_only", "in", "not_in");
    int n = v.getNumber();
    if (r.hasConst() && n != r.getConst()) {
      out.add(path, "enum.const", "must be " + r.getConst() + ", is " + n);
    }
    if (r.getDefinedOnly() && field.getEnumType().findValueByNumber(n) == null) {
      out.add(path, "enum.defined_only", n + " is not a value of " + field.getEnumType().getName());
    }
    if (r.getInCount() > 0 && !r.getInList().contains(n)) {
      out.add(path, "enum.in", n + " is not one of " + r.getInList());
    }
    if (r.getNotInList().contains(n)) {
      out.add(path, "enum.not_in", n + " is one of " + r.getNotInList());
    }
  }
}
