package io.cairn.demo;

import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.Status;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.OptionalInt;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * {@code cairn-demo server|client|rbac|mesh-server|mesh-client --option value ...}: the programs
 * demo.sh runs.
 */
public final class Main {
  static final String USAGE =
      """
      usage: cairn-demo <command> [--option value ...]
        server --name api --id api-1 [--version v1] [--grpc-port 9001] [--http-port 9101]
               [--bind 127.0.0.1] [--upstream http://127.0.0.1:9191/]
            answer demo.Who/Am over gRPC and GET / over HTTP with "api v1 (api-1)";
            with --upstream, GET / calls it and answers "web (web-1) -> <its answer>"
        client --xds 127.0.0.1:18000 [--target xds:///api] [--calls 1000] [--node demo-client]
               [--expect v1=90,v2=10] [--token SECRET]
            proxyless gRPC: resolve the target from Cairn over xDS, call it, count the answers;
            exit 1 if a call fails or the split is off --expect
        rbac --xds 127.0.0.1:18000 --node api-1-sidecar-proxy [--token SECRET]
            the inbound RBAC Cairn gives that sidecar, as its Envoy would get it
        mesh-server --name payments --id payments-1 --port 9003 [--bind 127.0.0.1]
            a Connect-native service: grpc-java's xDS server with XdsServerCredentials,
            answering demo.Who/Am with the SPIFFE ID of the caller's certificate
        mesh-client [--target xds:///payments] [--calls 3] [--expect OK] [--wait 60]
            proxyless gRPC over mTLS (XdsChannelCredentials): --calls calls, after waiting
            up to --wait seconds for the first to end with --expect (a status code); exit 1
            unless all do
        mesh-client [--target xds:///payments] --until-file FILE [--every 50] [--max 600]
            a call every --every ms (and one on a new connection every second) until FILE
            exists; prints "N calls, F failed"; exit 1 if a call failed
      --token (or CAIRN_XDS_TOKEN): the ACL token presented to Cairn's xDS port
      mesh-server and mesh-client read grpc-java's xDS bootstrap (GRPC_XDS_BOOTSTRAP): it
      defines a certificate provider and names it in node metadata CAIRN_CERTIFICATE_PROVIDER""";

  private Main() {}

  public static void main(String[] argv) throws Exception {
    System.exit(run(List.of(argv), System.out, System.err));
  }

  static int run(List<String> argv, PrintStream out, PrintStream err) throws Exception {
    if (argv.isEmpty() || argv.get(0).equals("--help")) {
      out.println(USAGE);
      return argv.isEmpty() ? 2 : 0;
    }
    Map<String, String> options;
    try {
      options = options(argv.subList(1, argv.size()));
    } catch (IllegalArgumentException e) {
      err.println("cairn-demo: " + e.getMessage());
      return 2;
    }
    try {
      return switch (argv.get(0)) {
        case "server" -> server(options, out);
        case "client" -> client(options, out, err);
        case "rbac" -> rbac(options, out, err);
        case "mesh-server" -> meshServer(options, out);
        case "mesh-client" -> meshClient(options, out, err);
        default -> throw new IllegalArgumentException("unknown command '" + argv.get(0) + "'");
      };
    } catch (IllegalArgumentException e) {
      err.println("cairn-demo: " + e.getMessage());
      err.println(USAGE);
      return 2;
    }
  }

  private static int server(Map<String, String> o, PrintStream out) throws Exception {
    Identity identity =
        new Identity(required(o, "name"), Optional.ofNullable(o.get("version")), required(o, "id"));
    OptionalInt grpcPort = port(o, "grpc-port");
    OptionalInt httpPort = port(o, "http-port");
    if (grpcPort.isEmpty() && httpPort.isEmpty()) {
      throw new IllegalArgumentException("server needs --grpc-port, --http-port or both");
    }
    InetAddress bind = InetAddress.getByName(o.getOrDefault("bind", "127.0.0.1"));
    Optional<URI> upstream = Optional.ofNullable(o.get("upstream")).map(URI::create);
    DemoServer server = DemoServer.start(identity, bind, grpcPort, httpPort, upstream);
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.close();
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                  stopped.countDown();
                }));
    List<String> ports = new ArrayList<>();
    server.grpcPort().ifPresent(p -> ports.add("gRPC on " + bind.getHostAddress() + ":" + p));
    server.httpPort().ifPresent(p -> ports.add("HTTP on " + bind.getHostAddress() + ":" + p));
    out.println(
        identity.describe()
            + ": "
            + String.join(", ", ports)
            + upstream.map(u -> ", upstream " + u).orElse(""));
    out.flush();
    stopped.await();
    return 0;
  }

  private static int client(Map<String, String> o, PrintStream out, PrintStream err)
      throws InterruptedException {
    String xds = required(o, "xds");
    String target = o.getOrDefault("target", "xds:///api");
    int calls = Integer.parseInt(o.getOrDefault("calls", "1000"));
    Map<String, Integer> expected = expectation(o.getOrDefault("expect", ""));
    // grpc-java reads its xDS bootstrap from this property (or GRPC_XDS_BOOTSTRAP's file).
    System.setProperty(
        "io.grpc.xds.bootstrapConfig",
        """
        {"xds_servers": [{"server_uri": "%s", "channel_creds": [%s],
                          "server_features": ["xds_v3"]}],
         "node": {"id": "%s", "locality": {"zone": "demo"}}}"""
            .formatted(
                xds,
                token(o)
                    .map(
                        t ->
                            "{\"type\": \"%s\", \"config\": {\"token\": \"%s\"}}"
                                .formatted(ConsulTokenCredentials.TYPE, t))
                    .orElse("{\"type\": \"insecure\"}"),
                o.getOrDefault("node", "demo-client")));
    ManagedChannel channel =
        Grpc.newChannelBuilder(target, InsecureChannelCredentials.create()).build();
    try {
      Tally tally = new ProxylessClient(channel, Duration.ofSeconds(30)).run(calls);
      tally.render(target).forEach(out::println);
      int status = 0;
      if (!tally.failures().isEmpty()) {
        err.println("cairn-demo: " + tally.failures() + " calls failed");
        status = 1;
      }
      if (!expected.isEmpty()) {
        Optional<String> mismatch = tally.mismatch(expected);
        if (mismatch.isPresent()) {
          err.println("cairn-demo: the split is not " + expected + ": " + mismatch.get());
          status = 1;
        } else {
          out.println("matches the expected split " + expected);
        }
      }
      return status;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static int rbac(Map<String, String> o, PrintStream out, PrintStream err)
      throws Exception {
    String node = required(o, "node");
    ManagedChannel channel =
        Grpc.newChannelBuilder(
                required(o, "xds"),
                token(o)
                    .map(ConsulTokenCredentials::channel)
                    .orElseGet(InsecureChannelCredentials::create))
            .build();
    try {
      SidecarRbac.describe(node, SidecarRbac.listeners(channel, node, Duration.ofSeconds(10)))
          .forEach(out::println);
      return 0;
    } catch (IllegalStateException e) { // Cairn ended the stream: say why, as the CLI does
      err.println("cairn-demo: " + e.getMessage());
      return 1;
    } finally {
      channel.shutdownNow().awaitTermination(5, TimeUnit.SECONDS);
    }
  }

  private static int meshServer(Map<String, String> o, PrintStream out) throws Exception {
    Identity identity = new Identity(required(o, "name"), Optional.empty(), required(o, "id"));
    InetSocketAddress address =
        new InetSocketAddress(
            InetAddress.getByName(o.getOrDefault("bind", "127.0.0.1")),
            port(o, "port").orElseThrow(() -> new IllegalArgumentException("--port is required")));
    Server server = MeshServer.start(identity, address, out);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  try {
                    server.shutdown().awaitTermination(5, TimeUnit.SECONDS);
                  } catch (InterruptedException e) {
                    Thread.currentThread().interrupt();
                  }
                }));
    server.awaitTermination();
    return 0;
  }

  private static int meshClient(Map<String, String> o, PrintStream out, PrintStream err)
      throws InterruptedException {
    try (MeshClient client = new MeshClient(o.getOrDefault("target", "xds:///payments"))) {
      if (o.containsKey("until-file")) {
        return MeshCalls.steady(
            client,
            Duration.ofMillis(Integer.parseInt(o.getOrDefault("every", "50"))),
            Path.of(o.get("until-file")),
            Duration.ofSeconds(Integer.parseInt(o.getOrDefault("max", "600"))),
            out,
            err);
      }
      return MeshCalls.expect(
          client,
          Status.Code.valueOf(o.getOrDefault("expect", "OK")),
          Integer.parseInt(o.getOrDefault("calls", "3")),
          Duration.ofSeconds(Integer.parseInt(o.getOrDefault("wait", "60"))),
          out,
          err);
    }
  }

  /** {@code v1=90,v2=10} to {v1: 90, v2: 10}. */
  static Map<String, Integer> expectation(String text) {
    Map<String, Integer> expected = new LinkedHashMap<>();
    for (String part : text.split(",")) {
      if (part.isBlank()) {
        continue;
      }
      String[] kv = part.strip().split("=", 2);
      if (kv.length != 2) {
        throw new IllegalArgumentException(
            "--expect takes version=percent,..., not '" + text + "'");
      }
      expected.put(kv[0], Integer.parseInt(kv[1]));
    }
    return expected;
  }

  private static Map<String, String> options(List<String> args) {
    Map<String, String> options = new HashMap<>();
    for (int i = 0; i < args.size(); i++) {
      String arg = args.get(i);
      if (!arg.startsWith("--")) {
        throw new IllegalArgumentException("expected an --option, got '" + arg + "'");
      }
      int eq = arg.indexOf('=');
      if (eq > 0) {
        options.put(arg.substring(2, eq), arg.substring(eq + 1));
      } else if (i + 1 < args.size()) {
        options.put(arg.substring(2), args.get(++i));
      } else {
        throw new IllegalArgumentException(arg + " needs a value");
      }
    }
    return options;
  }

  /** The ACL token for Cairn's xDS port: --token, else CAIRN_XDS_TOKEN; JSON-safe. */
  private static Optional<String> token(Map<String, String> o) {
    Optional<String> token =
        Optional.ofNullable(o.get("token"))
            .or(() -> Optional.ofNullable(System.getenv("CAIRN_XDS_TOKEN")))
            .filter(t -> !t.isBlank());
    token.ifPresent(
        t -> {
          if (!t.matches("[\\x21-\\x7e&&[^\"\\\\]]+")) {
            throw new IllegalArgumentException("--token must be printable ASCII without quotes");
          }
        });
    return token;
  }

  private static String required(Map<String, String> options, String name) {
    String value = options.get(name);
    if (value == null || value.isEmpty()) {
      throw new IllegalArgumentException("--" + name + " is required");
    }
    return value;
  }

  private static OptionalInt port(Map<String, String> options, String name) {
    String value = options.get(name);
    return value == null ? OptionalInt.empty() : OptionalInt.of(Integer.parseInt(value));
  }
}
