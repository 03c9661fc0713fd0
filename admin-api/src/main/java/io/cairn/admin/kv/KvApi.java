package io.cairn.admin.kv;

import io.cairn.admin.acl.RequestAcl;
import io.cairn.admin.http.ApiException;
import io.cairn.admin.http.BlockingQuery;
import io.cairn.admin.http.Json;
import io.cairn.admin.http.QueryParams;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistrySnapshot;
import io.cairn.registry.acl.Access;
import io.cairn.registry.command.Command;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.KvDelete;
import io.cairn.registry.command.KvLock;
import io.cairn.registry.command.KvSet;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.model.Indexed;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.TreeSet;
import java.util.function.ToLongFunction;

/**
 * {@code /v1/kv/<key>}: Consul's KV reads (one key, {@code ?recurse}, {@code ?keys} with {@code
 * ?separator}, {@code ?raw}; blocking on the key or prefix), writes ({@code ?flags}, {@code ?cas},
 * {@code ?acquire}, {@code ?release}) and deletes ({@code ?recurse}, {@code ?cas}). Writes answer
 * {@code true}, or {@code false} when a {@code ?cas} condition does not hold or a lock is not taken
 * or released.
 */
public final class KvApi implements HttpService {
  private static final String PATH = "/v1/kv/";
  private final Registry registry;
  private final EncodedEntries encoded = new EncodedEntries();

  public KvApi(Registry registry) {
    this.registry = registry;
  }

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/", this::get)
        .delete("/", this::delete)
        .get("/{+key}", this::get)
        .put("/{+key}", this::put)
        .delete("/{+key}", this::delete);
  }

  /** The key the path names: everything after {@code /v1/kv/}, possibly empty (the root). */
  static String keyOf(ServerRequest req) {
    String path = req.path().absolute().path();
    String key = path.startsWith(PATH) ? path.substring(PATH.length()) : "";
    if (key.getBytes(StandardCharsets.UTF_8).length > KvEntry.MAX_KEY_BYTES) {
      throw ApiException.badRequest(
          "key is longer than " + KvEntry.MAX_KEY_BYTES + " bytes; Cairn refuses longer keys");
    }
    return key;
  }

  private void get(ServerRequest req, ServerResponse res) {
    String key = keyOf(req);
    RequestAcl acl = RequestAcl.of(req);
    if (req.query().contains("keys")) {
      keys(req, res, key, acl);
      return;
    }
    boolean recurse = QueryParams.flag(req, "recurse");
    if (key.isEmpty() && !recurse) {
      throw ApiException.badRequest(
          "the root is not a key: give ?keys for the key names or ?recurse for every entry");
    }
    ToLongFunction<RegistrySnapshot> index =
        recurse ? s -> s.kv().prefixIndex(key) : s -> s.kv().keyIndex(key);
    if (!recurse) {
      acl.requireKey(key, Access.READ);
    }
    RegistrySnapshot s = BlockingQuery.await(req, registry, index);
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, index));
    List<Indexed<KvEntry>> entries = new ArrayList<>();
    if (recurse) {
      for (Indexed<KvEntry> e : s.kv().under(key)) {
        if (acl.canReadKey(e.value().key())) {
          entries.add(e);
        } else {
          RequestAcl.filtered(res);
        }
      }
    } else {
      s.kv().entry(key).ifPresent(entries::add);
    }
    if (entries.isEmpty()) {
      notFound(res);
      return;
    }
    if (req.query().contains("raw")) {
      res.header(HeaderValues.create("Content-Type", "application/octet-stream"));
      res.header(HeaderValues.create("X-Content-Type-Options", "nosniff"));
      res.send(entries.get(0).value().value());
      return;
    }
    Json.sendBytes(res, encoded.json(key, entries));
  }

  /** {@code ?keys}: the key names under the prefix, cut after the first {@code ?separator}. */
  private void keys(ServerRequest req, ServerResponse res, String prefix, RequestAcl acl) {
    String separator = QueryParams.string(req, "separator").orElse("");
    ToLongFunction<RegistrySnapshot> index = s -> s.kv().prefixIndex(prefix);
    RegistrySnapshot s = BlockingQuery.await(req, registry, index);
    BlockingQuery.headers(res, BlockingQuery.indexFor(s, index));
    TreeSet<String> keys = new TreeSet<>();
    for (Indexed<KvEntry> e : s.kv().under(prefix)) {
      String key = e.value().key();
      if (!acl.canReadKey(key)) {
        RequestAcl.filtered(res);
        continue;
      }
      int cut = separator.isEmpty() ? -1 : key.indexOf(separator, prefix.length());
      keys.add(cut < 0 ? key : key.substring(0, cut + separator.length()));
    }
    // Consul answers an empty root with [] but an empty prefix with 404.
    if (keys.isEmpty() && !prefix.isEmpty()) {
      notFound(res);
      return;
    }
    Json.send(res, List.copyOf(keys));
  }

  private void put(ServerRequest req, ServerResponse res) {
    String key = keyOf(req);
    if (key.isEmpty()) {
      throw ApiException.badRequest("Missing key name");
    }
    RequestAcl.of(req).requireKey(key, Access.WRITE);
    long flags = flags(req);
    OptionalLong cas = QueryParams.nonNegativeLong(req, "cas");
    Optional<String> acquire = QueryParams.string(req, "acquire");
    Optional<String> release = QueryParams.string(req, "release");
    int modes =
        (cas.isPresent() ? 1 : 0) + (acquire.isPresent() ? 1 : 0) + (release.isPresent() ? 1 : 0);
    if (modes > 1) {
      throw ApiException.badRequest(
          "Conflicting flags: cas, acquire and release exclude each other");
    }
    byte[] value = Json.rawBody(req, KvEntry.MAX_VALUE_BYTES, KvApi::tooLarge);
    KvEntry entry = new KvEntry(key, flags, value);
    Command command =
        acquire.isPresent()
            ? new KvLock(entry, sessionId(acquire.get(), "acquire"), true)
            : release.isPresent()
                ? new KvLock(entry, sessionId(release.get(), "release"), false)
                : new KvSet(entry, cas);
    CommandResult result = registry.apply(command);
    Json.send(res, result.outcome() != CommandResult.Outcome.CAS_FAILED);
  }

  private void delete(ServerRequest req, ServerResponse res) {
    String key = keyOf(req);
    boolean recurse = QueryParams.flag(req, "recurse");
    OptionalLong cas = QueryParams.nonNegativeLong(req, "cas");
    if (key.isEmpty() && !recurse) {
      throw ApiException.badRequest("Missing key name");
    }
    if (recurse && cas.isPresent()) {
      throw ApiException.badRequest("Conflicting flags: cas and recurse cannot be used together");
    }
    RequestAcl acl = RequestAcl.of(req);
    if (recurse) {
      acl.requireKeyWritePrefix(key);
    } else {
      acl.requireKey(key, Access.WRITE);
    }
    CommandResult result = registry.apply(new KvDelete(key, recurse, cas));
    Json.send(res, result.outcome() != CommandResult.Outcome.CAS_FAILED);
  }

  private static long flags(ServerRequest req) {
    Optional<String> raw = QueryParams.string(req, "flags").filter(f -> !f.isEmpty());
    if (raw.isEmpty()) {
      return 0;
    }
    try {
      return Long.parseUnsignedLong(raw.get());
    } catch (NumberFormatException e) {
      throw ApiException.badRequest(
          "query parameter 'flags' must be an unsigned 64-bit integer, was '" + raw.get() + "'");
    }
  }

  private static String sessionId(String id, String param) {
    if (id.isEmpty()) {
      throw ApiException.badRequest("query parameter '" + param + "' needs a session ID");
    }
    return id;
  }

  static ApiException tooLarge(long size) {
    return new ApiException(
        413,
        "Request body("
            + size
            + " bytes) too large, max size: "
            + KvEntry.MAX_VALUE_BYTES
            + " bytes (Consul's kv_max_value_size)");
  }

  /** Consul's 404 for a missing key or prefix: no body, the index headers already set. */
  private static void notFound(ServerResponse res) {
    res.status(Status.NOT_FOUND_404);
    res.send();
  }
}
