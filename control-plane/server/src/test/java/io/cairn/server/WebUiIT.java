package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The web UI in a real headless Chromium against the packaged server: what a person sees after a
 * registration, a check turning, a split change, an intention flip, an xDS client connecting and
 * rejecting a push, and a service on a catalog node. Every change is made through the HTTP API
 * while the page stays open, so the test also shows that the page follows changes without a reload.
 * Screenshots of each page land in {@code target/ui-screenshots}.
 */
class WebUiIT {
  private static final Duration WAIT = Duration.ofSeconds(15);
  private static final Path SHOTS = Path.of("target", "ui-screenshots");

  @TempDir static Path dataDir;
  @TempDir static Path profile;
  private static CairnProcess cairn;
  private static String base;
  private static int xdsPort;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  static void start() throws Exception {
    cairn = CairnProcess.server(dataDir);
    base = "http://127.0.0.1:" + cairn.awaitHttpPort(WAIT);
    xdsPort = cairn.awaitXdsPort(WAIT);
  }

  @AfterAll
  static void stop() throws Exception {
    cairn.terminate(Duration.ofSeconds(20));
  }

  private void put(String path, String body) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).as("PUT %s: %s", path, r.body()).isEqualTo(200);
  }

  @Test
  void aPersonSeesRegistrationsChecksSplitsIntentionsAndProxiesLive() throws Exception {
    assumeTrue(
        Browser.available(),
        "needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
    try (Browser browser = Browser.start(profile)) {
      browser.open(base + "/ui");
      assertThat(browser.awaitText("[data-testid=empty]", t -> t.contains("No services"), WAIT))
          .contains("PUT /v1/agent/service/register");
      assertThat(browser.awaitText("[data-testid=live]", t -> t.startsWith("live"), WAIT))
          .contains("index");

      // A registration appears in the open page: one instance, its TTL check still critical.
      put(
          "/v1/agent/service/register",
          """
          {"ID":"web-1","Name":"web","Address":"10.0.0.5","Port":8080,"Tags":["v1","blue"],
           "Check":{"CheckID":"web-1:ttl","Name":"web heartbeat","TTL":"30s"}}""");
      browser.awaitText(
          "[data-testid=service-web] [data-testid=health]", "1 critical"::equals, WAIT);
      assertThat(browser.text("[data-testid=service-web]")).contains("web", "v1", "blue");
      assertThat(browser.text("[data-testid=service-web] [data-testid=instances]")).isEqualTo("1");

      put("/v1/agent/check/pass/web-1:ttl?note=all%20good", "");
      browser.awaitText(
          "[data-testid=service-web] [data-testid=health]", "1 passing"::equals, WAIT);
      browser.screenshot(SHOTS.resolve("services.png"));

      // The filter narrows the list, and survives the next live update.
      put(
          "/v1/agent/service/register",
          """
          {"ID":"db-1","Name":"db","Address":"10.0.0.9","Port":5432}""");
      browser.awaitText("[data-testid=count]", "2 of 2 services"::equals, WAIT);
      browser.type("[data-testid=filter]", "blu");
      browser.awaitText("[data-testid=count]", "1 of 2 services"::equals, WAIT);
      put(
          "/v1/agent/service/register",
          """
          {"ID":"db-2","Name":"db","Address":"10.0.0.10","Port":5432}""");
      browser.awaitText("[data-testid=count]", "1 of 2 services"::equals, WAIT);
      assertThat(browser.text("main")).contains("web").doesNotContain("10.0.0.9");

      // Clicking through to the instance shows its check and the check's output.
      browser.click("[data-testid=service-web] a");
      browser.awaitText("[data-testid=instance-web-1]", t -> t.contains("10.0.0.5:8080"), WAIT);
      browser.click("[data-testid=instance-web-1] a");
      String check = browser.awaitText("[data-testid=check-web-1\\:ttl]", t -> !t.isEmpty(), WAIT);
      assertThat(check).contains("web heartbeat", "passing", "all good");
      put("/v1/agent/check/fail/web-1:ttl?note=disk%20full", "");
      browser.awaitText(
          "[data-testid=check-web-1\\:ttl]",
          t -> t.contains("critical") && t.contains("disk full"),
          WAIT);
      browser.screenshot(SHOTS.resolve("instance.png"));

      // A canary split, shown as a bar of percentages, follows a change of weights.
      for (String v : new String[] {"v1", "v2"}) {
        put(
            "/v1/agent/service/register",
            """
            {"ID":"api-%s","Name":"api","Address":"10.0.1.%d","Port":9090,"Meta":{"version":"%s"}}"""
                .formatted(v, v.equals("v1") ? 1 : 2, v));
      }
      put(
          "/v1/config",
          """
          {"Kind":"service-defaults","Name":"api","Protocol":"http"}""");
      put(
          "/v1/config",
          """
          {"Kind":"service-resolver","Name":"api","DefaultSubset":"v1",
           "Subsets":{"v1":{"Filter":"Service.Meta.version == v1"},
                      "v2":{"Filter":"Service.Meta.version == v2"}}}""");
      put("/v1/config", split(90, 10));
      browser.open(base + "/ui/#/config");
      assertThat(browser.awaitText("[data-testid=split-api] .bar", t -> !t.isEmpty(), WAIT))
          .contains("v1 90%", "v2 10%");
      assertThat(widths(browser)).isEqualTo("90%,10%");
      assertThat(browser.text("[data-testid=resolver-api]"))
          .contains("default subset v1", "Service.Meta.version == v2");
      put("/v1/config", split(50, 50));
      browser.awaitText("[data-testid=split-api] .bar", t -> t.contains("v1 50%"), WAIT);
      assertThat(widths(browser)).isEqualTo("50%,50%");
      browser.screenshot(SHOTS.resolve("traffic.png"));

      // Intentions as a source x destination matrix; a flip shows without a reload.
      put("/v1/connect/intentions/exact?source=web&destination=api", "{\"Action\":\"allow\"}");
      put("/v1/connect/intentions/exact?source=*&destination=api", "{\"Action\":\"deny\"}");
      browser.open(base + "/ui/#/intentions");
      browser.awaitText("[data-testid=cell-web-api]", "allow"::equals, WAIT);
      assertThat(browser.text("[data-testid=\"cell-*-api\"]")).isEqualTo("deny");
      assertThat(browser.text("[data-testid=default-policy]")).contains("default policy (allow)");
      put("/v1/connect/intentions/exact?source=web&destination=api", "{\"Action\":\"deny\"}");
      browser.awaitText("[data-testid=cell-web-api]", "deny"::equals, WAIT);
      browser.screenshot(SHOTS.resolve("intentions.png"));

      // A real xDS client: listed with its ACKed EDS version, then with the NACK it sends.
      browser.open(base + "/ui/#/proxies");
      browser.awaitText("main", t -> t.contains("No xDS clients connected"), WAIT);
      try (AdsProbe probe = new AdsProbe(xdsPort, "ui-probe", "web")) {
        // web-1's check is critical by now, so the first assignment is empty; it still counts.
        AdsProbe.Eds eds = probe.await(e -> true, WAIT);
        String acked =
            browser.awaitText(
                "[data-testid=proxy-ui-probe] [data-testid=acked]", t -> t.startsWith("EDS"), WAIT);
        assertThat(acked).isEqualTo("EDS " + eds.version().substring(0, 10));
        assertThat(browser.text("[data-testid=proxy-ui-probe] [data-testid=nack]"))
            .isEqualTo("none");

        probe.nackNext("endpoint 10.0.0.6 is not routable here");
        put(
            "/v1/agent/service/register",
            """
            {"ID":"web-2","Name":"web","Address":"10.0.0.6","Port":8080}""");
        String nack =
            browser.awaitText(
                "[data-testid=proxy-ui-probe] [data-testid=nack]",
                t -> t.contains("not routable"),
                WAIT);
        assertThat(nack).startsWith("EDS");
        browser.screenshot(SHOTS.resolve("proxies.png"));
      }
      assertThat(browser.text("[data-testid=error]")).isEmpty();
    }
  }

  @Test
  void aPersonSeesServicesOnCatalogNodesMarkedAsRegisteredThroughTheCatalog() throws Exception {
    assumeTrue(
        Browser.available(),
        "needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
    try (Browser browser = Browser.start(profile)) {
      // An external database as consul-esm registers one: no address of its own, a passing check
      // that Cairn does not run. The same id on Cairn's node: ids are unique per node only.
      put("/v1/catalog/register", externalPg("passing", "accepting connections"));
      put(
          "/v1/agent/service/register",
          """
          {"ID":"pg","Name":"pg","Address":"10.0.3.1","Port":5433}""");
      browser.open(base + "/ui/#/services");
      browser.awaitText("[data-testid=service-pg] [data-testid=health]", "2 passing"::equals, WAIT);
      assertThat(browser.text("[data-testid=service-pg] [data-testid=instances]"))
          .isEqualTo("2 (1 via catalog)");
      assertThat(browser.text("[data-testid=service-pg]")).contains("managed");

      browser.click("[data-testid=service-pg] a");
      String row =
          browser.awaitText("[data-testid=\"instance-pg-ext/pg\"]", t -> !t.isEmpty(), WAIT);
      assertThat(row).contains("pg-ext", "catalog", "10.30.0.1:5432", "passing", "1/1 passing");
      assertThat(browser.text("[data-testid=instance-pg]")).contains("10.0.3.1:5433");
      assertThat(browser.text("[data-testid=instance-pg] [data-testid=node]"))
          .doesNotContain("catalog");
      browser.screenshot(SHOTS.resolve("catalog-service.png"));

      browser.click("[data-testid=\"instance-pg-ext/pg\"] a");
      String check = browser.awaitText("[data-testid=check-pg-alive]", t -> !t.isEmpty(), WAIT);
      assertThat(check).contains("pg reachable", "catalog", "passing", "accepting connections");
      assertThat(browser.text("main"))
          .contains("pg on pg-ext", "through the catalog", "10.30.0.1:5432 (the node's)");

      // The registering client reports the database down: the open page follows.
      put("/v1/catalog/register", externalPg("critical", "connection refused"));
      browser.awaitText(
          "[data-testid=check-pg-alive]",
          t -> t.contains("critical") && t.contains("connection refused"),
          WAIT);
      browser.screenshot(SHOTS.resolve("catalog-instance.png"));
      assertThat(browser.text("[data-testid=error]")).isEmpty();
    } finally {
      put("/v1/catalog/deregister", "{\"Node\":\"pg-ext\"}");
      put("/v1/agent/service/deregister/pg", "");
    }
  }

  private static String externalPg(String status, String output) {
    return """
        {"Node":"pg-ext","Address":"10.30.0.1",
         "Service":{"ID":"pg","Service":"pg","Port":5432,"Tags":["managed"]},
         "Check":{"CheckID":"pg-alive","Name":"pg reachable","ServiceID":"pg",
                  "Status":"%s","Output":"%s"}}"""
        .formatted(status, output);
  }

  private static String split(int v1, int v2) {
    return """
        {"Kind":"service-splitter","Name":"api","Splits":[
          {"Weight":%d,"ServiceSubset":"v1"},{"Weight":%d,"ServiceSubset":"v2"}]}"""
        .formatted(v1, v2);
  }

  /** The widths the bar's segments are drawn with, as the browser lays them out (in %). */
  private static String widths(Browser browser) throws Exception {
    return browser
        .script(
            "const bar = document.querySelector('[data-testid=split-api] .bar');"
                + "return [...bar.children].map(s =>"
                + " Math.round(100 * s.getBoundingClientRect().width"
                + " / bar.clientWidth) + '%').join(',');")
        .asText();
  }

  @Test
  void aPersonBrowsesEditsAndDeletesKeys() throws Exception {
    assumeTrue(
        Browser.available(),
        "needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
    try (Browser browser = Browser.start(profile)) {
      browser.open(base + "/ui/#/kv/");
      browser.awaitText("[data-testid=empty]", t -> t.contains("No keys yet"), WAIT);

      // A key written through the API appears in the open page, inside its folders.
      put("/v1/kv/app/config/db", "postgres://a");
      browser.awaitText("[data-testid=\"kv-row-app/\"]", "app/"::equals, WAIT);
      browser.click("[data-testid=\"kv-row-app/\"] a");
      browser.awaitText("[data-testid=\"kv-row-app/config/\"]", "config/"::equals, WAIT);
      browser.click("[data-testid=\"kv-row-app/config/\"] a");
      browser.awaitText("[data-testid=\"kv-row-app/config/db\"]", "db"::equals, WAIT);
      browser.click("[data-testid=\"kv-row-app/config/db\"] a");
      browser.awaitText("[data-testid=kv-meta]", t -> t.contains("modified at"), WAIT);
      assertThat(
              browser
                  .script("return document.querySelector('[data-testid=kv-value]').value;")
                  .asText())
          .isEqualTo("postgres://a");

      // An edit that races a change made elsewhere is not saved over it.
      browser.type("[data-testid=kv-value]", "-edited");
      put("/v1/kv/app/config/db", "postgres://b");
      browser.awaitText("[data-testid=kv-notice]", t -> t.contains("Changed on the server"), WAIT);
      browser.click("[data-testid=kv-save]");
      browser.awaitText("[data-testid=kv-notice]", t -> t.startsWith("Not saved"), WAIT);
      assertThat(
              browser
                  .script("return document.querySelector('[data-testid=kv-value]').value;")
                  .asText())
          .isEqualTo("postgres://b");
      assertThat(get("/v1/kv/app/config/db?raw")).isEqualTo("postgres://b");

      // A clean edit is saved.
      browser.type("[data-testid=kv-value]", "?sslmode=require");
      browser.click("[data-testid=kv-save]");
      browser.awaitText("[data-testid=kv-notice]", "Saved."::equals, WAIT);
      assertThat(get("/v1/kv/app/config/db?raw")).isEqualTo("postgres://b?sslmode=require");

      // A delete that races a change made elsewhere deletes nothing.
      browser.type("[data-testid=kv-value]", "&pool=5");
      put("/v1/kv/app/config/db", "postgres://c");
      browser.awaitText("[data-testid=kv-notice]", t -> t.contains("Changed on the server"), WAIT);
      browser.click("[data-testid=kv-delete]");
      browser.click("[data-testid=kv-delete]");
      browser.awaitText("[data-testid=kv-notice]", t -> t.startsWith("Not deleted"), WAIT);
      assertThat(get("/v1/kv/app/config/db?raw")).isEqualTo("postgres://c");
      assertThat(
              browser
                  .script("return document.querySelector('[data-testid=kv-value]').value;")
                  .asText())
          .isEqualTo("postgres://c");

      // Delete asks once more, then goes back to the folder.
      browser.click("[data-testid=kv-delete]");
      assertThat(get("/v1/kv/app/config/db?raw")).as("not deleted on the first click").isNotEmpty();
      browser.click("[data-testid=kv-delete]");
      browser.awaitText("[data-testid=empty]", t -> t.contains("This folder is empty"), WAIT);
      assertThat(get("/v1/kv/app/config/db?raw")).isEmpty();

      // A new key from the folder's form.
      browser.type("[data-testid=kv-new-key]", "pool <size>");
      browser.type("[data-testid=kv-new-value]", "<b>20</b>");
      browser.click("[data-testid=kv-create]");
      browser.awaitText("[data-testid=kv-meta]", t -> t.contains("modified at"), WAIT);
      assertThat(get("/v1/kv/app/config/pool%20%3Csize%3E?raw")).isEqualTo("<b>20</b>");
      browser.screenshot(SHOTS.resolve("kv.png"));

      // An edit keeps the key's flags (a PUT without them would set them to 0).
      put("/v1/kv/app/flagged?flags=42", "v1");
      browser.open(base + "/ui/#/kv/app/flagged");
      browser.awaitText("[data-testid=kv-meta]", t -> t.contains("flags 42"), WAIT);
      browser.type("[data-testid=kv-value]", "-edited");
      browser.click("[data-testid=kv-save]");
      browser.awaitText("[data-testid=kv-notice]", "Saved."::equals, WAIT);
      assertThat(get("/v1/kv/app/flagged"))
          .contains("\"Flags\":42", "\"Value\":\"djEtZWRpdGVk\""); // base64 of v1-edited

      // Bytes that are not UTF-8 are shown as base64 and cannot be saved over from the page.
      put("/v1/txn", "[{\"KV\":{\"Verb\":\"set\",\"Key\":\"app/bin\",\"Value\":\"AAH/\"}}]");
      browser.open(base + "/ui/#/kv/app/bin");
      browser.awaitText("[data-testid=kv-meta]", t -> t.contains("binary value"), WAIT);
      assertThat(
              browser
                  .script(
                      "const v = document.querySelector('[data-testid=kv-value]');"
                          + "const s = document.querySelector('[data-testid=kv-save]');"
                          + "return [v.value, v.readOnly, s.disabled].join(',');")
                  .asText())
          .isEqualTo("AAH/,true,true");

      // A key named like its folder ("app/", as Consul's UI makes folders) is not a row.
      put("/v1/kv/app/", "");
      browser.open(base + "/ui/#/kv/app/");
      browser.awaitText("[data-testid=\"kv-row-app/bin\"]", "bin"::equals, WAIT);
      assertThat(
              browser
                  .script(
                      "return [...document.querySelectorAll('[data-testid^=kv-row-]')]"
                          + ".map(r => r.dataset.testid).join(',');")
                  .asText())
          .isEqualTo("kv-row-app/bin,kv-row-app/config/,kv-row-app/flagged");
    }
  }

  @Test
  void theKeyValuePageReadsAndWritesWithTheTokenTypedIn(@TempDir Path aclData) throws Exception {
    assumeTrue(
        Browser.available(),
        "needs Debian's chromium and chromium-driver (apt-get install -y chromium chromium-driver)");
    String token = "ui-kv-token";
    CairnProcess secured = CairnProcess.server(aclData, "--acl-token", token);
    try (Browser browser = Browser.start(profile)) {
      String securedBase = "http://127.0.0.1:" + secured.awaitHttpPort(WAIT);
      HttpResponse<String> put =
          http.send(
              HttpRequest.newBuilder(URI.create(securedBase + "/v1/kv/secret/db"))
                  .header("X-Consul-Token", token)
                  .PUT(HttpRequest.BodyPublishers.ofString("postgres://a"))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(put.body()).isEqualTo("true");

      // Without a token the key cannot be read: the page says so.
      browser.open(securedBase + "/ui/#/kv/secret/db");
      assertThat(browser.awaitText("[data-testid=error]", t -> !t.isEmpty(), WAIT))
          .contains("/v1/kv/secret/db");

      // The token typed into the header is sent with the reads and the check-and-set write.
      browser.type("#token", token + "\uE007");
      browser.awaitText("[data-testid=kv-meta]", t -> t.contains("modified at"), WAIT);
      browser.type("[data-testid=kv-value]", "?ssl=on");
      browser.click("[data-testid=kv-save]");
      browser.awaitText("[data-testid=kv-notice]", "Saved."::equals, WAIT);
      HttpResponse<String> saved =
          http.send(
              HttpRequest.newBuilder(URI.create(securedBase + "/v1/kv/secret/db?raw"))
                  .header("X-Consul-Token", token)
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(saved.body()).isEqualTo("postgres://a?ssl=on");
    } finally {
      secured.terminate(Duration.ofSeconds(20));
    }
  }

  /** The body of a GET, or "" for a 404. */
  private String get(String path) throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpRequest.newBuilder(URI.create(base + path)).build(),
            HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 404 ? "" : r.body();
  }
}
