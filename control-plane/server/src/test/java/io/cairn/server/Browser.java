package io.cairn.server;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

/**
 * Headless Chromium driven through ChromeDriver's W3C WebDriver protocol (plain HTTP and JSON, so
 * no client library): Debian's {@code chromium} and {@code chromium-driver} packages.
 */
final class Browser implements AutoCloseable {
  static final Path CHROMEDRIVER = Path.of("/usr/bin/chromedriver");
  static final Path CHROMIUM = Path.of("/usr/bin/chromium");
  private static final String ELEMENT = "element-6066-11e4-a52e-4f735466cecf";
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process driver;
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI session;

  private Browser(Process driver, URI session) {
    this.driver = driver;
    this.session = session;
  }

  static boolean available() {
    return Files.isExecutable(CHROMEDRIVER) && Files.isExecutable(CHROMIUM);
  }

  /**
   * Starts ChromeDriver on a free loopback port and opens a headless session with a clean profile.
   */
  static Browser start(Path profile) throws Exception {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Process driver =
        new ProcessBuilder(CHROMEDRIVER.toString(), "--port=" + port, "--allowed-ips=127.0.0.1")
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    URI base = URI.create("http://127.0.0.1:" + port + "/");
    HttpClient http = HttpClient.newHttpClient();
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (true) {
      try {
        JsonNode status = send(http, "GET", base.resolve("status"), null);
        if (status.path("ready").asBoolean()) {
          break;
        }
      } catch (IOException e) {
        // Not listening yet.
      }
      if (System.nanoTime() > deadline) {
        driver.destroyForcibly();
        throw new IllegalStateException("chromedriver did not become ready on port " + port);
      }
      Thread.sleep(100);
    }
    // The flags keep Chromium off the network (this machine's is closed) and out of the GPU.
    List<String> args =
        List.of(
            "--headless=new",
            "--no-sandbox",
            "--disable-gpu",
            "--disable-quic",
            "--no-first-run",
            "--disable-background-networking",
            "--disable-component-update",
            "--disable-sync",
            "--disable-dev-shm-usage",
            "--window-size=1280,900",
            "--user-data-dir=" + profile);
    Map<String, Object> caps =
        Map.of(
            "capabilities",
            Map.of(
                "alwaysMatch",
                Map.of(
                    "browserName",
                    "chrome",
                    "goog:chromeOptions",
                    Map.of("binary", CHROMIUM.toString(), "args", args),
                    "goog:loggingPrefs",
                    Map.of("browser", "ALL"))));
    try {
      JsonNode created = send(http, "POST", base.resolve("session"), caps);
      String id = created.path("sessionId").asText();
      return new Browser(driver, base.resolve("session/" + id));
    } catch (Exception e) {
      driver.destroyForcibly();
      throw e;
    }
  }

  void open(String url) throws Exception {
    call("POST", "url", Map.of("url", url));
  }

  /** Runs {@code script} in the page (arguments as {@code arguments[i]}) and returns its result. */
  JsonNode script(String script, Object... args) throws Exception {
    return call("POST", "execute/sync", Map.of("script", script, "args", List.of(args)));
  }

  /** The visible text of the first element matching {@code css}, or "" when there is none. */
  String text(String css) throws Exception {
    return script(
            "const e = document.querySelector(arguments[0]); return e ? e.innerText : '';", css)
        .asText();
  }

  /** Waits until the text of {@code css} satisfies {@code matches}; returns it. */
  String awaitText(String css, Predicate<String> matches, Duration timeout) throws Exception {
    long deadline = System.nanoTime() + timeout.toNanos();
    String last = "";
    while (System.nanoTime() < deadline) {
      last = text(css);
      if (matches.test(last)) {
        return last;
      }
      Thread.sleep(100);
    }
    throw new AssertionError(
        "after "
            + timeout
            + ", '"
            + css
            + "' shows: '"
            + last
            + "'; page: "
            + text("main")
            + "; console: "
            + console());
  }

  /** What the page logged (errors included) since the last call. */
  String console() {
    try {
      StringBuilder out = new StringBuilder();
      for (JsonNode entry : call("POST", "se/log", Map.of("type", "browser"))) {
        out.append(entry.path("level").asText()).append(' ');
        out.append(entry.path("message").asText()).append('\n');
      }
      return out.toString();
    } catch (Exception e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  void click(String css) throws Exception {
    call("POST", "element/" + element(css) + "/click", Map.of());
  }

  void type(String css, String text) throws Exception {
    call("POST", "element/" + element(css) + "/value", Map.of("text", text));
  }

  private String element(String css) throws Exception {
    JsonNode found = call("POST", "element", Map.of("using", "css selector", "value", css));
    return found.path(ELEMENT).asText();
  }

  /** Saves what the window shows as a PNG (for people reading a failed run, and the docs). */
  void screenshot(Path png) throws Exception {
    Files.createDirectories(png.getParent());
    Files.write(png, Base64.getDecoder().decode(call("GET", "screenshot", null).asText()));
  }

  private JsonNode call(String method, String path, Object body) throws Exception {
    return send(http, method, URI.create(session + "/" + path), body);
  }

  /** One WebDriver command; its {@code value}, or an exception carrying the driver's error. */
  private static JsonNode send(HttpClient http, String method, URI uri, Object body)
      throws IOException, InterruptedException {
    HttpRequest.BodyPublisher publisher =
        body == null
            ? HttpRequest.BodyPublishers.noBody()
            : HttpRequest.BodyPublishers.ofByteArray(JSON.writeValueAsBytes(body));
    HttpRequest request =
        HttpRequest.newBuilder(uri)
            .method(method, publisher)
            .header("Content-Type", "application/json")
            .timeout(Duration.ofSeconds(60))
            .build();
    HttpResponse<byte[]> response = http.send(request, HttpResponse.BodyHandlers.ofByteArray());
    JsonNode value = JSON.readTree(response.body()).path("value");
    if (response.statusCode() != 200) {
      throw new IllegalStateException(
          method + " " + uri + ": " + response.statusCode() + " " + value.path("message"));
    }
    return value;
  }

  @Override
  public void close() {
    try {
      send(http, "DELETE", session, null);
    } catch (Exception e) {
      // The driver may already be gone; it is stopped below either way.
    }
    driver.destroy();
    try {
      if (!driver.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        driver.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      driver.destroyForcibly();
    }
  }
}
