package io.cairn.xds.pgv;

import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.MessageOrBuilder;
import com.google.re2j.Pattern;
import com.google.re2j.PatternSyntaxException;
import java.util.List;

/**
 * What clients check on load beyond PGV: Envoy and gRPC compile every {@code RegexMatcher} with RE2
 * (no lookarounds, no backreferences), and older clients (gRPC C-core 1.51, Envoy before {@code
 * total_weight} was deprecated) default a weighted cluster's {@code total_weight} to 100 and reject
 * weights that do not add up to it. gRPC refuses an outlier detection {@code max_ejection_percent}
 * above 100.
 */
final class ClientRules {
  private ClientRules() {}

  static void check(EnvoyRules out, String path, MessageOrBuilder m) {
    switch (m.getDescriptorForType().getFullName()) {
      case "envoy.type.matcher.v3.RegexMatcher" -> {
        String regex = (String) m.getField(field(m, "regex"));
        try {
          Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
          out.add(path + ".regex", "re2", "'" + regex + "' is not RE2: " + e.getMessage());
        }
      }
      case "envoy.config.route.v3.WeightedCluster" -> {
        long sum = 0;
        for (Object c : (List<?>) m.getField(field(m, "clusters"))) {
          MessageOrBuilder weight =
              (MessageOrBuilder)
                  ((MessageOrBuilder) c).getField(field((MessageOrBuilder) c, "weight"));
          sum += Integer.toUnsignedLong((Integer) weight.getField(field(weight, "value")));
        }
        FieldDescriptor totalField = field(m, "total_weight");
        long total =
            m.hasField(totalField)
                ? Integer.toUnsignedLong(
                    (Integer)
                        ((MessageOrBuilder) m.getField(totalField))
                            .getField(field((MessageOrBuilder) m.getField(totalField), "value")))
                : 100;
        if (sum != total) {
          out.add(
              path,
              "weighted_clusters.total_weight",
              "weights add up to "
                  + sum
                  + ", total_weight is "
                  + total
                  + (m.hasField(totalField) ? "" : " (unset: older clients assume 100)"));
        }
      }
      case "envoy.config.cluster.v3.OutlierDetection" -> {
        // gRPC (A50) refuses a cluster whose max_ejection_percent is above 100; PGV has no rule.
        FieldDescriptor f = field(m, "max_ejection_percent");
        if (m.hasField(f)) {
          MessageOrBuilder v = (MessageOrBuilder) m.getField(f);
          int percent = (Integer) v.getField(field(v, "value"));
          if (Integer.toUnsignedLong(percent) > 100) {
            out.add(path + ".max_ejection_percent", "grpc", "is above 100: " + percent);
          }
        }
      }
      default -> {}
    }
  }

  private static FieldDescriptor field(MessageOrBuilder m, String name) {
    return m.getDescriptorForType().findFieldByName(name);
  }
}
