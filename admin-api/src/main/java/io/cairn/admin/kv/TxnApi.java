package io.cairn.admin.kv;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.NullNode;
import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.http.ApiException;
import io.cairn.admin.http.Json;
import io.cairn.registry.Registry;
import io.cairn.registry.TxnFailedException;
import io.cairn.registry.TxnFailedException.TxnError;
import io.cairn.registry.acl.Access;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.KvTxn;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.kv.KvOp;
import io.cairn.registry.kv.KvResult;
import io.cairn.registry.validation.Problems;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.util.ArrayList;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;

/**
 * {@code PUT /v1/txn}: Consul's transactions, KV verbs only. All operations apply at one index or
 * none do: a failed check or a denied operation answers 409 with every error by operation index.
 * Lock verbs need sessions and other operation types (Node, Service, Check, Session) are refused by
 * name with a 400.
 */
public final class TxnApi implements HttpService {
  /** Consul's {@code txn_max_req_len}. */
  static final int MAX_REQUEST_BYTES = 512 * 1024;

  private static final Set<String> FIELDS =
      Set.of("Verb", "Key", "Value", "Flags", "Index", "Session");
  private final Registry registry;

  public TxnApi(Registry registry) {
    this.registry = registry;
  }

  @Override
  public void routing(HttpRules rules) {
    rules.put("/", this::txn);
  }

  private void txn(ServerRequest req, ServerResponse res) {
    byte[] body = Json.rawBody(req, MAX_REQUEST_BYTES, TxnApi::tooLarge);
    if (body.length == 0) {
      throw ApiException.badRequest(
          "request body is empty; a JSON array of operations is expected");
    }
    JsonNode root = Json.tree(body);
    if (!root.isArray()) {
      throw ApiException.badRequest("request body must be a JSON array of operations");
    }
    if (root.size() > KvTxn.MAX_OPS) {
      throw new ApiException(
          413,
          "Transaction contains too many operations (" + root.size() + " > " + KvTxn.MAX_OPS + ")");
    }
    if (root.isEmpty()) {
      throw ApiException.badRequest("a transaction needs at least one operation");
    }
    List<KvOp> ops = decode(root);
    RequestAcl acl = RequestAcl.of(req);
    List<TxnError> denied = new ArrayList<>();
    for (int i = 0; i < ops.size(); i++) {
      if (!allowed(acl, ops.get(i))) {
        denied.add(new TxnError(i, "Permission denied"));
      }
    }
    if (!denied.isEmpty()) {
      conflict(res, denied);
      return;
    }
    CommandResult result;
    try {
      result = registry.apply(new KvTxn(ops));
    } catch (TxnFailedException e) {
      conflict(res, e.errors());
      return;
    }
    List<Map<String, Object>> results = new ArrayList<>();
    for (KvResult r : result.entries()) {
      if (r.withValue() && !acl.canReadKey(r.entry().value().key())) {
        RequestAcl.filtered(res);
        continue;
      }
      results.add(Map.of("KV", KvJson.encode(r.entry(), r.withValue())));
    }
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Results", results);
    out.put("Errors", NullNode.getInstance());
    Json.send(res, out);
  }

  /** Consul's rights per verb: write for writes, write on all below for delete-tree, else read. */
  private static boolean allowed(RequestAcl acl, KvOp op) {
    var authorizer = acl.authorizer();
    return switch (op) {
      case KvOp.Set o -> authorizer.key(o.key()).allows(Access.WRITE);
      case KvOp.Cas o -> authorizer.key(o.key()).allows(Access.WRITE);
      case KvOp.Delete o -> authorizer.key(o.key()).allows(Access.WRITE);
      case KvOp.DeleteCas o -> authorizer.key(o.key()).allows(Access.WRITE);
      case KvOp.DeleteTree o -> authorizer.keyWritePrefix(o.key());
      case KvOp.Get o -> authorizer.key(o.key()).allows(Access.READ);
      case KvOp.CheckIndex o -> authorizer.key(o.key()).allows(Access.READ);
      case KvOp.CheckNotExists o -> authorizer.key(o.key()).allows(Access.READ);
      case KvOp.Lock o -> authorizer.key(o.key()).allows(Access.WRITE);
      case KvOp.Unlock o -> authorizer.key(o.key()).allows(Access.WRITE);
      case KvOp.CheckSession o -> authorizer.key(o.key()).allows(Access.READ);
      case KvOp.GetTree o -> true; // results are filtered instead
    };
  }

  private static List<KvOp> decode(JsonNode root) {
    Problems p = new Problems();
    List<KvOp> ops = new ArrayList<>();
    for (int i = 0; i < root.size(); i++) {
      String at = "[" + i + "]";
      JsonNode op = root.get(i);
      if (!op.isObject()) {
        p.add(at, "must be an object with one of KV, Node, Service, Check, Session");
        continue;
      }
      op.fieldNames()
          .forEachRemaining(
              name -> {
                if (!name.equals("KV")) {
                  p.add(
                      at + "." + name,
                      name.matches("Node|Service|Check|Session")
                          ? "operations are not supported by Cairn; only KV operations are"
                          : "unknown operation type");
                }
              });
      JsonNode kv = op.get("KV");
      if (kv == null) {
        if (op.isEmpty()) {
          p.add(at, "names no operation; KV is expected");
        }
        continue;
      }
      decodeKv(kv, at + ".KV", p).ifPresent(ops::add);
    }
    p.throwIfAny();
    return ops;
  }

  private static Optional<KvOp> decodeKv(JsonNode kv, String at, Problems p) {
    if (!kv.isObject()) {
      p.add(at, "must be an object");
      return Optional.empty();
    }
    int before = p.size();
    kv.fieldNames()
        .forEachRemaining(
            f -> {
              if (!FIELDS.contains(f)) {
                p.add(at + "." + f, "unknown field");
              }
            });
    String verb = text(kv, "Verb", at, p);
    String key = text(kv, "Key", at, p);
    String session = text(kv, "Session", at, p);
    boolean sessionVerb =
        verb.equals("lock") || verb.equals("unlock") || verb.equals("check-session");
    if (sessionVerb && session.isEmpty()) {
      p.add(at + ".Session", "is required for verb '" + verb + "'");
    }
    long flags = number(kv, "Flags", at, p);
    long index = number(kv, "Index", at, p);
    byte[] value = new byte[0];
    JsonNode v = kv.get("Value");
    if (v != null && !v.isNull()) {
      if (!v.isTextual()) {
        p.add(at + ".Value", "must be a base64 string");
      } else {
        try {
          value = Base64.getDecoder().decode(v.asText());
        } catch (IllegalArgumentException e) {
          p.add(at + ".Value", "is not valid base64: " + e.getMessage());
        }
      }
    }
    if (value.length > KvEntry.MAX_VALUE_BYTES) {
      p.add(at + ".Value", "is over " + KvEntry.MAX_VALUE_BYTES + " bytes");
    }
    if (key.getBytes(java.nio.charset.StandardCharsets.UTF_8).length > KvEntry.MAX_KEY_BYTES) {
      p.add(at + ".Key", "is longer than " + KvEntry.MAX_KEY_BYTES + " bytes");
    }
    boolean treeVerb = verb.equals("get-tree") || verb.equals("delete-tree");
    if (key.isEmpty() && !treeVerb && !verb.isEmpty()) {
      p.add(at + ".Key", "is required for verb '" + verb + "'");
    }
    if (p.size() > before) {
      return Optional.empty();
    }
    return switch (verb) {
      case "set" -> Optional.of(new KvOp.Set(new KvEntry(key, flags, value)));
      case "cas" -> Optional.of(new KvOp.Cas(new KvEntry(key, flags, value), index));
      case "get" -> Optional.of(new KvOp.Get(key));
      case "get-tree" -> Optional.of(new KvOp.GetTree(key));
      case "check-index" -> Optional.of(new KvOp.CheckIndex(key, index));
      case "check-not-exists" -> Optional.of(new KvOp.CheckNotExists(key));
      case "delete" -> Optional.of(new KvOp.Delete(key));
      case "delete-tree" -> Optional.of(new KvOp.DeleteTree(key));
      case "delete-cas" -> Optional.of(new KvOp.DeleteCas(key, index));
      case "lock" -> Optional.of(new KvOp.Lock(new KvEntry(key, flags, value), session));
      case "unlock" -> Optional.of(new KvOp.Unlock(new KvEntry(key, flags, value), session));
      case "check-session" -> Optional.of(new KvOp.CheckSession(key, session));
      default -> {
        p.add(
            at + ".Verb",
            "'"
                + verb
                + "' is not a KV verb (set, cas, lock, unlock, get, get-tree, check-index,"
                + " check-session, check-not-exists, delete, delete-tree, delete-cas)");
        yield Optional.empty();
      }
    };
  }

  private static String text(JsonNode node, String field, String at, Problems p) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isTextual()) {
      p.add(at + "." + field, "must be a string");
      return "";
    }
    return v.asText();
  }

  private static long number(JsonNode node, String field, String at, Problems p) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return 0;
    }
    if (!v.isIntegralNumber()
        || v.bigIntegerValue().signum() < 0
        || v.bigIntegerValue().bitLength() > 64) {
      p.add(at + "." + field, "must be an unsigned 64-bit integer");
      return 0;
    }
    return v.bigIntegerValue().longValue();
  }

  private static void conflict(ServerResponse res, List<TxnError> errors) {
    Map<String, Object> out = new LinkedHashMap<>();
    out.put("Results", NullNode.getInstance());
    out.put(
        "Errors",
        errors.stream()
            .map(e -> Map.<String, Object>of("OpIndex", e.opIndex(), "What", e.what()))
            .toList());
    res.status(Status.CONFLICT_409);
    Json.send(res, out);
  }

  private static ApiException tooLarge(long size) {
    return new ApiException(
        413,
        "Request body(" + size + " bytes) too large, max size: " + MAX_REQUEST_BYTES + " bytes");
  }
}
