package io.cairn.xds.pgv;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import java.util.Set;

/** Guards against rules the validator does not know: they fail instead of passing. */
final class Rules {
  private Rules() {}

  /** Throws for any rule set in {@code rules} whose name is not among {@code implemented}. */
  static void known(String path, String kind, MessageOrBuilder rules, String... implemented) {
    Set<String> names = Set.of(implemented);
    for (FieldDescriptor f : rules.getAllFields().keySet()) {
      if (!names.contains(f.getName())) {
        throw new EnvoyRules.UnsupportedRule(path, kind + "." + f.getName());
      }
    }
  }
}
