package io.cairn.xds.pgv;

import com.google.protobuf.Descriptors.FieldDescriptor;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import java.util.HashSet;
import java.util.List;

/** PGV's repeated rules: item counts, uniqueness, and rules on each item. */
final class RepeatedRules {
  private RepeatedRules() {}

  static void check(
      EnvoyRules out, String path, FieldDescriptor field, List<?> items, FieldRules rules) {
    if (rules.getTypeCase() != FieldRules.TypeCase.REPEATED) {
      throw new EnvoyRules.UnsupportedRule(path, "repeated field with " + rules.getTypeCase());
    }
    Validate.RepeatedRules r = rules.getRepeated();
    Rules.known(path, "repeated", r, "min_items", "max_items", "unique", "items", "ignore_empty");
    if (r.getIgnoreEmpty() && items.isEmpty()) {
      return;
    }
    if (r.hasMinItems() && items.size() < r.getMinItems()) {
      out.add(path, "repeated.min_items", "needs at least " + r.getMinItems() + " items");
    }
    if (r.hasMaxItems() && items.size() > r.getMaxItems()) {
      out.add(path, "repeated.max_items", "allows at most " + r.getMaxItems() + " items");
    }
    if (r.getUnique() && new HashSet<>(items).size() != items.size()) {
      out.add(path, "repeated.unique", "has duplicate items");
    }
    if (r.hasItems()) {
      FieldRules each = r.getItems();
      for (int i = 0; i < items.size(); i++) {
        String at = path + "[" + i + "]";
        if (each.hasMessage()) {
          Rules.known(at, "message", each.getMessage(), "required", "skip");
        }
        out.valueRules(at, field, items.get(i), each);
      }
    }
  }
}
