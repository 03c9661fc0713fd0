package io.cairn.benchmarks;

import io.cairn.benchmarks.HttpBenchmark.Options;
import io.cairn.benchmarks.HttpBenchmark.WrkResult;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * What ACL checks cost on the admin API's hot read ({@code bin/bench http-acl}): the reads of
 * {@link HttpBenchmark} ({@code GET /v1/health/service/NAME?passing}, one name, then a rotation
 * over every name) against two packaged servers holding the same catalog, one with ACLs off and one
 * with ACLs on (default deny, a management token from {@code --acl-token}). The ACL-on server is
 * read with a narrow token ({@code service_prefix "svc-" { policy = "read" }}, made over {@code
 * /v1/acl}) in {@code X-Consul-Token}. The peer is Cairn with ACLs off; the two are measured one
 * after the other with the same wrk command (the idle one waiting), in alternating order, and
 * besides req/s each run reports the server's CPU time per request, which depends less on what else
 * the shared machine does.
 *
 * <p>A token that saw nothing would be a fake speed-up, so before measuring every name must answer
 * its instances to the token (and nothing to no token), and every measured run must have read full
 * bodies, not {@code []} or errors.
 */
final class HttpAclBenchmark {
  private static final String POLICY_RULES = "service_prefix \"svc-\" { policy = \"read\" }";

  private static final Pattern SECRET = Pattern.compile("\"SecretID\"\\s*:\\s*\"([^\"]+)\"");
  private static final Pattern ID = Pattern.compile("\"ID\"\\s*:\\s*\"([^\"]+)\"");

  private HttpAclBenchmark() {}

  static void run(List<String> args) throws Exception {
    Options o = Options.parse(args);
    Cleanup.around(
        cleanup -> {
          List<ServerProcess> servers = new ArrayList<>();
          try {
            run(o, cleanup, servers);
          } catch (Exception e) {
            // Here, before the cleanup deletes the logs.
            for (ServerProcess s : servers) {
              System.err.println("benchmark failed; log tail of " + s.log() + ":\n" + s.tail(40));
            }
            throw e;
          }
        });
  }

  private static void run(Options o, Cleanup cleanup, List<ServerProcess> servers)
      throws Exception {
    Path tmp = cleanup.tempDirectory("cairn-http-acl-bench-");
    HttpBenchmark.stopWrkOnCleanup(cleanup);
    String wrk =
        Host.executable(o.wrk(), "wrk")
            .orElseThrow(
                () ->
                    new IllegalStateException(
                        "wrk is not installed (Debian/Ubuntu: apt-get install -y wrk)"));
    HttpBenchmark.printMachine("ACL cost on admin API reads");
    System.out.printf(
        "load driver and servers share this machine (load average now %s); wrk %s%n",
        Host.loadAverage(), Host.firstLine(wrk, "-v"));
    HttpClient http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5))
            .build();

    // 1. Two servers, as an operator runs them, side by side: only one is measured at a time.
    String management = UUID.randomUUID().toString();
    ServerProcess off = start(o, cleanup, tmp.resolve("off"), List.of(), servers);
    ServerProcess on =
        start(o, cleanup, tmp.resolve("on"), List.of("--acl-token", management), servers);
    off.awaitReady(http, Duration.ofSeconds(60));
    on.awaitReady(http, Duration.ofSeconds(60));
    System.out.printf("acl off: cairn pid %d on %s%n", off.pid(), off.base());
    System.out.printf(
        "acl on:  cairn pid %d on %s (--acl-token, default policy deny)%n", on.pid(), on.base());

    // 2. The same catalog on both; the ACL-on server takes it with the management token.
    HttpBenchmark.printLoad(
        HttpBenchmark.loadCatalog(http, off.base(), o, Optional.empty()), o, " (acl off)");
    HttpBenchmark.printLoad(
        HttpBenchmark.loadCatalog(http, on.base(), o, Optional.of(management)), o, " (acl on)");

    // 3. The narrow token, and proof that it reads everything the benchmark reads.
    String secret = readToken(http, on.base(), management);
    System.out.printf("token: policy %s, linked by a token sent as X-Consul-Token%n", POLICY_RULES);
    int minBody = verify(http, off, on, secret, o);

    // 4. Reads, same wrk command. Off then on for one name, on then off for the rotation, so that
    // a machine getting slower (or faster) during the run does not always favour the same side.
    Path lua = tmp.resolve("rotate.lua");
    Files.writeString(lua, HttpBenchmark.rotationScript(o.services()));
    System.out.printf(
        "%nreads: wrk -t%d -c%d -d%ds --latency (after a %ds warm-up run of each); ACL-on runs"
            + " add -H 'X-Consul-Token: <secret>'%n",
        o.wrkThreads(), o.connections(), o.readSeconds(), o.warmupSeconds());
    HttpBenchmark.printWrkHeader("request", "req/s");
    List<String> summary = new ArrayList<>();
    for (boolean rotate : List.of(false, true)) {
      String path = HttpBenchmark.SERVICE_PATH + "svc-17?passing";
      Optional<Path> script = rotate ? Optional.of(lua) : Optional.empty();
      String label = HttpBenchmark.readLabel(rotate, o);
      Map<Boolean, WrkResult> by = new HashMap<>();
      for (boolean acl : rotate ? List.of(true, false) : List.of(false, true)) {
        ServerProcess server = acl ? on : off;
        String name = acl ? "acl on" : "acl off";
        WrkResult r =
            HttpBenchmark.wrkMeasured(
                    wrk,
                    o,
                    server.base() + path,
                    script,
                    acl ? List.of("X-Consul-Token: " + secret) : List.of(),
                    server::cpuSeconds)
                .requireBodies(minBody, name + " " + label);
        HttpBenchmark.printWrk(label, name, r);
        by.put(acl, r);
      }
      WrkResult a = by.get(false);
      WrkResult b = by.get(true);
      summary.add(
          String.format(
              "%-26s acl-off=%.0f req/s p50=%.2f p99=%.2f ms %.1f us/req  acl-on=%.0f req/s"
                  + " p50=%.2f p99=%.2f ms %.1f us/req  on/off=%.2fx req/s, %.2fx cpu/req",
              rotate ? "acl reads, rotating names:" : "acl reads, one name:",
              a.requestsPerSecond(),
              a.p("50%"),
              a.p("99%"),
              a.serverCpuMicrosPerRequest(),
              b.requestsPerSecond(),
              b.p("50%"),
              b.p("99%"),
              b.serverCpuMicrosPerRequest(),
              b.requestsPerSecond() / a.requestsPerSecond(),
              b.serverCpuMicrosPerRequest() / a.serverCpuMicrosPerRequest()));
    }
    HttpBenchmark.printOthers();
    summary.forEach(System.out::println);
  }

  private static ServerProcess start(
      Options o, Cleanup cleanup, Path dir, List<String> serverArgs, List<ServerProcess> servers)
      throws Exception {
    Files.createDirectories(dir);
    ServerProcess server =
        ServerProcess.start(
            o.serverJar().orElseGet(ServerProcess::defaultJar),
            dir.resolve("data"),
            dir.resolve("cairn.log"),
            o.serverJvmOptions(),
            serverArgs);
    servers.add(server);
    cleanup.add(() -> server.stop(Duration.ofSeconds(30)));
    return server;
  }

  /** Creates the read policy and a token linking it, as an operator would; returns its secret. */
  private static String readToken(HttpClient http, String base, String management)
      throws Exception {
    String policy =
        put(
            http,
            base + "/v1/acl/policy",
            management,
            "{\"Name\":\"svc-read\",\"Rules\":" + quote(POLICY_RULES) + "}");
    String policyId = group(ID, policy, "policy ID");
    String token =
        put(
            http,
            base + "/v1/acl/token",
            management,
            "{\"Description\":\"benchmark reader\",\"Policies\":[{\"ID\":\"" + policyId + "\"}]}");
    return group(SECRET, token, "token SecretID");
  }

  /**
   * Fails unless ACLs are really on (no token reads nothing) and the token reads every name's
   * instances, as the server without ACLs does; returns the smallest body a measured read must
   * have.
   */
  private static int verify(
      HttpClient http, ServerProcess off, ServerProcess on, String secret, Options o)
      throws Exception {
    String single = HttpBenchmark.SERVICE_PATH + "svc-17?passing";
    HttpResponse<byte[]> anonymous = send(http, on.base() + single, Optional.empty());
    String denied = new String(anonymous.body(), StandardCharsets.UTF_8).strip();
    if (anonymous.statusCode() != 200
        || !denied.equals("[]")
        || anonymous.headers().firstValue("X-Consul-Results-Filtered-By-ACLs").isEmpty()) {
      throw new IllegalStateException(
          "ACLs are not on: without a token, GET "
              + single
              + " answered "
              + anonymous.statusCode()
              + " "
              + denied);
    }
    byte[] plain = HttpBenchmark.get(http, off.base() + single);
    HttpBenchmark.requireEntries(plain, o.instances(), "svc-17 (acl off)");
    int min = plain.length;
    for (int s = 0; s < o.services(); s++) {
      String path = HttpBenchmark.SERVICE_PATH + "svc-" + s + "?passing";
      HttpResponse<byte[]> r = send(http, on.base() + path, Optional.of(secret));
      if (r.statusCode() != 200
          || r.headers().firstValue("X-Consul-Results-Filtered-By-ACLs").isPresent()) {
        throw new IllegalStateException(
            "the token may not read svc-" + s + ": HTTP " + r.statusCode());
      }
      HttpBenchmark.requireEntries(r.body(), o.instances(), "svc-" + s + " (acl on, token)");
      min = Math.min(min, r.body().length);
    }
    System.out.printf(
        "checked: no token reads [] (filtered); the token reads %d entries of every one of %d"
            + " names (svc-17: %d bytes, as %d without ACLs)%n",
        o.instances(),
        o.services(),
        send(http, on.base() + single, Optional.of(secret)).body().length,
        plain.length);
    return min;
  }

  private static HttpResponse<byte[]> send(HttpClient http, String url, Optional<String> token)
      throws Exception {
    return http.send(
        HttpBenchmark.request(url, token).build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private static String put(HttpClient http, String url, String token, String body)
      throws Exception {
    HttpResponse<String> r =
        http.send(
            HttpBenchmark.request(url, Optional.of(token))
                .PUT(HttpRequest.BodyPublishers.ofString(body))
                .header("Content-Type", "application/json")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("PUT " + url + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return r.body();
  }

  private static String group(Pattern p, String text, String what) {
    Matcher m = p.matcher(text);
    if (!m.find()) {
      throw new IllegalStateException("no " + what + " in " + text);
    }
    return m.group(1);
  }

  private static String quote(String s) {
    return "\"" + s.replace("\\", "\\\\").replace("\"", "\\\"") + "\"";
  }
}
