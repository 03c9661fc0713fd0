package io.cairn.xds.pgv;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import java.util.List;

/** PGV's map rules: pair counts and rules on every key and value. */
final class MapRules {
  private MapRules() {}

  static void check(
      EnvoyRules out, String path, FieldDescriptor field, List<?> entries, FieldRules rules) {
    if (rules.getTypeCase() != FieldRules.TypeCase.MAP) {
      throw new EnvoyRules.UnsupportedRule(path, "map field with " + rules.getTypeCase());
    }
    Validate.MapRules r = rules.getMap();
    Rules.known(
        path, "map", r, "min_pairs", "max_pairs", "no_sparse", "keys", "values", "ignore_empty");
    if (r.getIgnoreEmpty() && entries.isEmpty()) {
      return;
    }
    if (r.hasMinPairs() && entries.size() < r.getMinPairs()) {
      out.add(path, "map.min_pairs", "needs at least " + r.getMinPairs() + " entries");
    }
    if (r.hasMaxPairs() && entries.size() > r.getMaxPairs()) {
      out.add(path, "map.max_pairs", "allows at most " + r.getMaxPairs() + " entries");
    }
    FieldDescriptor keyField = field.getMessageType().findFieldByName("key");
    FieldDescriptor valueField = field.getMessageType().findFieldByName("value");
    for (Object e : entries) {
      MessageOrBuilder entry = (MessageOrBuilder) e;
      Object key = entry.getField(keyField);
      String at = path + "[" + key + "]";
      if (r.getNoSparse()
          && valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE
          && !entry.hasField(valueField)) {
        out.add(at, "map.no_sparse", "has no value");
      }
      if (r.hasKeys()) {
        out.valueRules(at + ".key", keyField, key, r.getKeys());
      }
      if (r.hasValues()) {
        FieldRules values = r.getValues();
        if (values.hasMessage()) {
          Rules.known(at, "message", values.getMessage(), "required", "skip");
          if (values.getMessage().getRequired() && !entry.hasField(valueField)) {
            out.add(at, "message.required", "must be set");
          }
        }
        out.valueRules(at, valueField, entry.getField(valueField), values);
      }
    }
  }
}
