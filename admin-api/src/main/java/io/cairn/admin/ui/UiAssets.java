package io.cairn.admin.ui;

import io.cairn.admin.http.ErrorResponses;
import io.helidon.http.Header;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.http.Status;
import io.helidon.webserver.http.HttpRules;
import io.helidon.webserver.http.HttpService;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * {@code /ui}: the web UI's files, read from the classpath once at start. They are small and change
 * only with a release, so each is answered from memory with a content-hash ETag ({@code 304} when
 * the browser has it) and a policy that lets the page load nothing but its own files.
 */
public final class UiAssets implements HttpService {
  static final String ROOT = "cairn-ui/";
  static final List<String> FILES = List.of("index.html", "app.js", "style.css");

  private static final Header NO_CACHE = HeaderValues.create(HeaderNames.CACHE_CONTROL, "no-cache");
  private static final Header NO_SNIFF =
      HeaderValues.create(HeaderNames.create("X-Content-Type-Options"), "nosniff");
  private static final Header POLICY =
      HeaderValues.create(
          HeaderNames.create("Content-Security-Policy"),
          "default-src 'self'; img-src 'self' data:; frame-ancestors 'none'");

  private final Map<String, Asset> assets;

  public UiAssets() {
    this.assets = FILES.stream().collect(Collectors.toUnmodifiableMap(f -> f, UiAssets::load));
  }

  /** One file: its bytes, type and strong ETag. */
  record Asset(byte[] bytes, String contentType, String etag) {}

  @Override
  public void routing(HttpRules rules) {
    rules
        .get("/", (req, res) -> send(req, res, "index.html"))
        .get("/{file}", (req, res) -> send(req, res, req.path().pathParameters().get("file")));
  }

  /** {@code /ui} without the slash: the page's relative links need the slash. */
  public static void redirect(ServerRequest req, ServerResponse res) {
    res.status(Status.MOVED_PERMANENTLY_301);
    res.header(HeaderNames.LOCATION, "/ui/");
    res.send();
  }

  private void send(ServerRequest req, ServerResponse res, String name) {
    Asset asset = assets.get(name);
    if (asset == null) {
      ErrorResponses.send(res, 404, "no such file in the UI: " + name, List.of());
      return;
    }
    res.header(HeaderNames.ETAG, asset.etag());
    res.header(NO_CACHE);
    res.header(NO_SNIFF);
    res.header(POLICY);
    boolean fresh =
        req.headers()
            .first(HeaderNames.IF_NONE_MATCH)
            .map(v -> v.equals(asset.etag()))
            .orElse(false);
    if (fresh) {
      res.status(Status.NOT_MODIFIED_304);
      res.send();
      return;
    }
    res.header(HeaderNames.CONTENT_TYPE, asset.contentType());
    res.send(asset.bytes());
  }

  private static Asset load(String name) {
    try (InputStream in = UiAssets.class.getClassLoader().getResourceAsStream(ROOT + name)) {
      if (in == null) {
        throw new IllegalStateException("UI file missing from the jar: " + ROOT + name);
      }
      byte[] bytes = in.readAllBytes();
      String etag =
          "\""
              + HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(bytes), 0, 8)
              + "\"";
      return new Asset(bytes, contentType(name), etag);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String contentType(String name) {
    if (name.endsWith(".html")) {
      return "text/html; charset=utf-8";
    }
    if (name.endsWith(".js")) {
      return "text/javascript; charset=utf-8";
    }
    return "text/css; charset=utf-8";
  }
}
