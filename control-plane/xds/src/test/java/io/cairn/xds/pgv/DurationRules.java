package io.cairn.xds.pgv;

import com.google.protobuf.Duration;
import com.google.protobuf.util.Durations;
import io.envoyproxy.pgv.validate.Validate;

/** PGV's duration rules ({@code required} is checked where the field is absent). */
final class DurationRules {
  private DurationRules() {}

  static void check(EnvoyRules out, String path, Duration v, Validate.DurationRules r) {
    Rules.known(path, "duration", r, "required", "const", "lt", "lte", "gt", "gte", "in", "not_in");
    String shown = Durations.toString(v);
    if (!Durations.isValid(v)) {
      out.add(path, "duration", shown + " is not a valid duration");
      return;
    }
    if (r.hasConst() && Durations.compare(v, r.getConst()) != 0) {
      out.add(path, "duration.const", "must be " + Durations.toString(r.getConst()));
    }
    Integer upper = null;
    Integer lower = null;
    if (r.hasLt()) {
      upper = Durations.compare(v, r.getLt()) < 0 ? 1 : 0;
    } else if (r.hasLte()) {
      upper = Durations.compare(v, r.getLte()) <= 0 ? 1 : 0;
    }
    if (r.hasGt()) {
      lower = Durations.compare(v, r.getGt()) > 0 ? 1 : 0;
    } else if (r.hasGte()) {
      lower = Durations.compare(v, r.getGte()) >= 0 ? 1 : 0;
    }
    boolean exclusive =
        upper != null
            && lower != null
            && Durations.compare(
                    r.hasLt() ? r.getLt() : r.getLte(), r.hasGt() ? r.getGt() : r.getGte())
                < 0;
    boolean ok =
        exclusive
            ? upper == 1 || lower == 1
            : (upper == null || upper == 1) && (lower == null || lower == 1);
    if (!ok) {
      out.add(path, "duration.range", shown + " is out of range " + r);
    }
    if (r.getInCount() > 0 && r.getInList().stream().noneMatch(d -> Durations.compare(d, v) == 0)) {
      out.add(path, "duration.in", shown + " is not one of the allowed durations");
    }
    if (r.getNotInList().stream().anyMatch(d -> Durations.compare(d, v) == 0)) {
      out.add(path, "duration.not_in", shown + " is one of the forbidden durations");
    }
  }
}
