package io.cairn.xds.pgv;

import com.google.protobuf.Any;
import io.envoyproxy.pgv.validate.Validate;

/** PGV's Any rules: which type URLs may be packed. */
final class AnyRules {
  private AnyRules() {}

  static void check(EnvoyRules out, String path, Any v, Validate.AnyRules r) {
    Rules.known(path, "any", r, "required", "in", "not_in");
    if (r.getInCount() > 0 && !r.getInList().contains(v.getTypeUrl())) {
      out.add(path, "any.in", v.getTypeUrl() + " is not one of " + r.getInList());
    }
    if (r.getNotInList().contains(v.getTypeUrl())) {
      out.add(path, "any.not_in", v.getTypeUrl() + " is one of " + r.getNotInList());
    }
  }
}
