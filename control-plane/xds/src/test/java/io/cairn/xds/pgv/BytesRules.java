package io.cairn.xds.pgv;

import com.google.protobuf.ByteString;
import io.envoyproxy.pgv.validate.Validate;

/** PGV's bytes rules, those about length and content. */
final class BytesRules {
  private BytesRules() {}

  static void check(EnvoyRules out, String path, ByteString v, Validate.BytesRules r) {
    Rules.known(
        path,
        "bytes",
        r,
        "const",
        "len",
        "min_len",
        "max_len",
        "prefix",
        "suffix",
        "contains",
        "in",
        "not_in",
        "ignore_empty");
    if (r.getIgnoreEmpty() && v.isEmpty()) {
      return;
    }
    if (r.hasConst() && !v.equals(r.getConst())) {
      out.add(path, "bytes.const", "must equal the constant");
    }
    if (r.hasLen() && v.size() != r.getLen()) {
      out.add(path, "bytes.len", "must be " + r.getLen() + " bytes");
    }
    if (r.hasMinLen() && v.size() < r.getMinLen()) {
      out.add(path, "bytes.min_len", "must be at least " + r.getMinLen() + " bytes");
    }
    if (r.hasMaxLen() && v.size() > r.getMaxLen()) {
      out.add(path, "bytes.max_len", "must be at most " + r.getMaxLen() + " bytes");
    }
    if (r.hasPrefix() && !v.startsWith(r.getPrefix())) {
      out.add(path, "bytes.prefix", "must start with the prefix");
    }
    if (r.hasSuffix() && !v.endsWith(r.getSuffix())) {
      out.add(path, "bytes.suffix", "must end with the suffix");
    }
    if (r.hasContains() && !v.toStringUtf8().contains(r.getContains().toStringUtf8())) {
      out.add(path, "bytes.contains", "must contain the given bytes");
    }
    if (r.getInCount() > 0 && !r.getInList().contains(v)) {
      out.add(path, "bytes.in", "is not one of the allowed values");
    }
    if (r.getNotInList().contains(v)) {
      out.add(path, "bytes.not_in", "is one of the forbidden values");
    }
  }
}
