package io.cairn.server;

import io.cairn.server.cli.Cli;
import io.cairn.server.config.ServerSettings;
import io.cairn.server.config.Setting;
import io.cairn.server.config.SettingsException;
import io.cairn.server.config.SettingsLoader;
import io.cairn.server.config.StoreSettings;
import io.micrometer.core.instrument.binder.jvm.JvmGcMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmMemoryMetrics;
import io.micrometer.core.instrument.binder.jvm.JvmThreadMetrics;
import io.micrometer.core.instrument.binder.system.ProcessorMetrics;
import io.micrometer.core.instrument.binder.system.UptimeMetrics;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import java.io.PrintStream;
import java.lang.management.ManagementFactory;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code cairn} command. {@code cairn server} runs Cairn; the only place that reads
 * configuration (flags, environment, config file).
 */
public final class Main {
  /** Exit status when the registry writer stopped on an unexpected error (EX_SOFTWARE). */
  static final int WRITER_STOPPED_STATUS = 70;

  private Main() {}

  public static void main(String[] args) {
    List<String> list = List.of(args);
    String command = list.isEmpty() ? "help" : list.getFirst();
    List<String> rest = list.isEmpty() ? List.of() : list.subList(1, list.size());
    int status =
        switch (command) {
          case "server" -> server(rest);
          case "version", "--version" -> {
            System.out.println("cairn " + version());
            yield 0;
          }
          case "help", "--help", "-h" -> {
            usage(System.out);
            yield 0;
          }
          default -> new Cli(System.out, System.in, System.getenv()).run(list, System.err);
        };
    if (status >= 0) {
      System.exit(status);
    }
  }

  private static void usage(PrintStream out) {
    out.println(
        """
        usage: cairn <command> [flags]

        commands:
          server     run Cairn (embedded store, admin API, DNS, xDS)
          version    print the version
          help       this text

        `cairn server --help` lists every setting with its flag and environment variable.
        """);
    out.println(Cli.USAGE);
  }

  private static String version() {
    String v = Main.class.getPackage().getImplementationVersion();
    return v == null ? "dev" : v;
  }

  /** Runs the server; returns -1 once it is up (the JVM then lives until SIGTERM). */
  private static int server(List<String> args) {
    if (args.contains("--help") || args.contains("-h")) {
      settingsHelp();
      return 0;
    }
    ServerSettings settings;
    try {
      settings = ServerSettings.load(args, System.getenv());
    } catch (SettingsException e) {
      System.err.println("cairn: invalid settings:");
      e.problems().forEach(p -> System.err.println("  - " + p));
      return 2;
    }
    Logging.configure(settings.logLevel(), settings.logFormat());
    Logger log = LoggerFactory.getLogger(Main.class);
    PrometheusMeterRegistry meters = meters();
    CairnServer server;
    try {
      server = CairnServer.start(settings, meters, meters::scrape, version());
    } catch (RuntimeException e) {
      log.error("cannot start: {}", e.getMessage(), e);
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            Thread.ofPlatform().name("shutdown").unstarted(() -> closeWithin(server, log)));
    server
        .registry()
        .writerFailure()
        .thenAccept(
            cause -> {
              log.error(
                  "the registry writer stopped ({}); exiting with status {} so that a supervisor"
                      + " restarts Cairn, which restores the durable state",
                  cause,
                  WRITER_STOPPED_STATUS);
              // Not on the writer's thread: exiting runs the shutdown hook, which joins it.
              Thread.ofPlatform()
                  .name("writer-stopped-exit")
                  .start(() -> System.exit(WRITER_STOPPED_STATUS));
            });
    long startedMs =
        System.currentTimeMillis() - ManagementFactory.getRuntimeMXBean().getStartTime();
    log.atInfo()
        .addKeyValue("version", version())
        .addKeyValue(
            "store",
            switch (settings.store()) {
              case StoreSettings.Embedded e -> e.dataDir().toAbsolutePath().normalize().toString();
              case StoreSettings.Etcd e -> "etcd " + e.etcd().prefix();
            })
        .addKeyValue("http", settings.http().address() + ":" + server.httpPort())
        .addKeyValue("dns", settings.dns().address() + ":" + server.dnsPort())
        .addKeyValue("startup-ms", startedMs)
        .log("cairn ready");
    return -1;
  }

  /**
   * How long SIGTERM may take. Closing waits on etcd calls that each have a deadline, but a stuck
   * close (a store that never answers, a library thread that never ends) must not keep the process
   * alive: past this, the JVM halts.
   */
  static final java.time.Duration SHUTDOWN_LIMIT = java.time.Duration.ofSeconds(20);

  private static void closeWithin(CairnServer server, Logger log) {
    Thread closer = Thread.ofPlatform().daemon().name("shutdown-close").start(server::close);
    try {
      closer.join(SHUTDOWN_LIMIT);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    if (closer.isAlive()) {
      StringBuilder where = new StringBuilder();
      for (StackTraceElement frame : closer.getStackTrace()) {
        where.append("\n    at ").append(frame);
      }
      log.atError()
          .addKeyValue("limit-s", SHUTDOWN_LIMIT.toSeconds())
          .log("shutdown did not finish in time; halting{}", where);
      Runtime.getRuntime().halt(1);
    }
  }

  private static PrometheusMeterRegistry meters() {
    PrometheusMeterRegistry meters = new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    new JvmMemoryMetrics().bindTo(meters);
    new JvmGcMetrics().bindTo(meters);
    new JvmThreadMetrics().bindTo(meters);
    new ProcessorMetrics().bindTo(meters);
    new UptimeMetrics().bindTo(meters);
    return meters;
  }

  private static void settingsHelp() {
    System.out.println("usage: cairn server [flags]\n");
    List<Setting> settings = new SettingsLoader(ServerSettings.ALL).settings();
    // Columns as wide as their widest entry, so long flags do not push the rest out of line.
    String row =
        "%%-%ds  %%-%ds  %%-%ds  %%s%%n"
            .formatted(
                width(settings, Setting::flag),
                width(settings, Setting::environmentVariable),
                width(settings, Main::shownDefault));
    System.out.printf(row, "flag", "environment", "default", "");
    for (Setting s : settings) {
      System.out.printf(row, s.flag(), s.environmentVariable(), shownDefault(s), s.description());
    }
    System.out.println(
        "\nPrecedence: flags, then environment, then the --config YAML file (dash-case keys),"
            + " then defaults.");
  }

  private static String shownDefault(Setting s) {
    return s.defaultValue().isEmpty() ? "-" : s.defaultValue();
  }

  private static int width(
      List<Setting> settings, java.util.function.Function<Setting, String> column) {
    return settings.stream().mapToInt(s -> column.apply(s).length()).max().orElse(1);
  }
}
