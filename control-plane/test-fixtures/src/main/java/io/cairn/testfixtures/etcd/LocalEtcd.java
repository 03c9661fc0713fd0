package io.cairn.testfixtures.etcd;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.IntStream;

/**
 * An etcd cluster of real {@code etcd} processes listening on 127.0.0.1 only, one data directory
 * and one log file per member under a base directory.
 *
 * <p>The binary is {@code $CAIRN_ETCD_BIN} if set, else {@code etcd} from the {@code PATH}. Members
 * are numbered from 0. All methods synchronize on the instance, so tests may kill and restart
 * members from any thread.
 */
public final class LocalEtcd implements AutoCloseable {
  private static final String BIN_ENV = "CAIRN_ETCD_BIN";
  private static final String NOT_FOUND =
      "etcd not found: install it with `apt-get install -y etcd-server` (Debian) or set " + BIN_ENV;
  private static final String LOOPBACK = "127.0.0.1";
  private static final Duration HEALTHY_WITHIN = Duration.ofSeconds(30);
  private static final Duration POLL = Duration.ofMillis(50);
  private static final Duration EXIT_WITHIN = Duration.ofSeconds(10);
  private static final int LOG_HEAD_LINES = 3;
  private static final int LOG_TAIL_LINES = 15;

  private final Path etcd;
  private final List<Member> members;
  private final String token;
  private final List<String> extraArgs;
  private final Process[] processes;
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();

  /**
   * Kills the members if the JVM exits without {@link #close()}: a stray etcd would keep its ports
   * and data directory and break the next run.
   */
  private final Thread shutdownHook = new Thread(this::destroyAll, "local-etcd-shutdown");

  private LocalEtcd(Path etcd, List<Member> members, List<String> extraArgs) {
    this.etcd = etcd;
    this.members = members;
    this.token = "cairn-local-" + UUID.randomUUID();
    this.extraArgs = extraArgs;
    this.processes = new Process[members.size()];
  }

  /** Starts {@code members} members under {@code dir} and waits until every one is healthy. */
  public static LocalEtcd start(int members, Path dir) {
    return start(members, dir, List.of());
  }

  /**
   * Starts {@code members} members under {@code dir}, passing {@code extraArgs} (for example {@code
   * --max-txn-ops=1024}) to each after the flags set here, so they may also override them, and
   * waits until every member is healthy.
   *
   * @throws IllegalStateException if etcd is not installed or the cluster is not healthy within 30
   *     s; the message then carries the first and last lines of the failing members' logs
   */
  public static LocalEtcd start(int members, Path dir, List<String> extraArgs) {
    if (members < 1) {
      throw new IllegalArgumentException("members must be at least 1: " + members);
    }
    Path etcd = findEtcd();
    try {
      Files.createDirectories(dir);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    LocalEtcd cluster = new LocalEtcd(etcd, allocate(members, dir), List.copyOf(extraArgs));
    Runtime.getRuntime().addShutdownHook(cluster.shutdownHook);
    try {
      cluster.startAll();
    } catch (RuntimeException e) {
      cluster.close();
      throw e;
    }
    return cluster;
  }

  /** Client URLs of all members, {@code http://127.0.0.1:<port>}, in member order. */
  public List<String> endpoints() {
    return members.stream().map(Member::clientUrl).toList();
  }

  /** {@link #endpoints()} joined with commas, as {@code etcdctl --endpoints} takes them. */
  public String endpointsCsv() {
    return String.join(",", endpoints());
  }

  /** The number of members, running or not. */
  public int size() {
    return members.size();
  }

  /** The log file of {@code member}; restarts append to it. */
  public Path log(int member) {
    return members.get(member).log();
  }

  /**
   * Kills {@code member} with SIGKILL and waits for it to exit; does nothing if it is not running.
   */
  public synchronized void kill(int member) {
    Process process = processes[member];
    processes[member] = null;
    if (process != null) {
      destroy(process);
    }
  }

  /** Kills every member with SIGKILL. */
  public synchronized void killAll() {
    for (int i = 0; i < processes.length; i++) {
      kill(i);
    }
  }

  /**
   * Starts a killed {@code member} again with its data directory, name and ports, joining the
   * existing cluster. Waits until it is healthy when that leaves a quorum of members running; a
   * member cannot become healthy without a quorum, so with fewer it returns once the process runs.
   *
   * @throws IllegalStateException if the member is already running or does not become healthy in
   *     time
   */
  public synchronized void restart(int member) {
    if (running(member)) {
      throw new IllegalStateException("member " + member + " is already running");
    }
    processes[member] = launch(members.get(member), "existing");
    if (runningCount() >= quorum()) {
      awaitHealthy(List.of(member));
    }
  }

  /** Whether the process of {@code member} is alive (it may still lack a leader). */
  public synchronized boolean running(int member) {
    Process process = processes[member];
    return process != null && process.isAlive();
  }

  /**
   * Whether {@code member} answers {@code GET /health} with {@code {"health":"true"}}, which etcd
   * 3.4 only does while the cluster has a leader and the member can serve quorum reads.
   */
  public boolean healthy(int member) {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(members.get(member).clientUrl() + "/health"))
            .timeout(Duration.ofSeconds(1))
            .build();
    try {
      HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
      return response.statusCode() == 200
          && response.body().replace(" ", "").contains("\"health\":\"true\"");
    } catch (IOException e) {
      return false; // Not listening yet, or killed.
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Kills every member. The data directories stay for the caller to inspect or delete. */
  @Override
  public synchronized void close() {
    killAll();
    try {
      Runtime.getRuntime().removeShutdownHook(shutdownHook);
    } catch (IllegalStateException e) {
      // The JVM is already shutting down and the hook will run; nothing to remove.
    }
  }

  private synchronized void startAll() {
    for (int i = 0; i < members.size(); i++) {
      processes[i] = launch(members.get(i), "new");
    }
    awaitHealthy(IntStream.range(0, members.size()).boxed().toList());
  }

  private Process launch(Member member, String clusterState) {
    List<String> command = new ArrayList<>();
    command.add(etcd.toString());
    command.addAll(
        List.of(
            "--name=" + member.name(),
            "--data-dir=" + member.dataDir(),
            "--listen-client-urls=" + member.clientUrl(),
            "--advertise-client-urls=" + member.clientUrl(),
            "--listen-peer-urls=" + member.peerUrl(),
            "--initial-advertise-peer-urls=" + member.peerUrl(),
            "--initial-cluster=" + initialCluster(),
            "--initial-cluster-state=" + clusterState,
            "--initial-cluster-token=" + token,
            "--heartbeat-interval=100",
            "--election-timeout=1000",
            // etcd 3.4 defaults to the deprecated capnslog and warns about it; zap writes JSON.
            "--logger=zap",
            "--log-outputs=stderr"));
    command.addAll(extraArgs);
    ProcessBuilder builder =
        new ProcessBuilder(command)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.appendTo(member.log().toFile()))
            .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    // etcd reads every ETCD_* variable as a flag; one left in the caller's shell would change or
    // break this cluster.
    builder.environment().keySet().removeIf(name -> name.startsWith("ETCD_"));
    try {
      return builder.start();
    } catch (IOException e) {
      throw new IllegalStateException("cannot start " + etcd + ": " + e.getMessage(), e);
    }
  }

  private void awaitHealthy(List<Integer> which) {
    long deadline = System.nanoTime() + HEALTHY_WITHIN.toNanos();
    List<Integer> pending = new ArrayList<>(which);
    while (true) {
      pending.removeIf(this::healthy);
      if (pending.isEmpty()) {
        return;
      }
      Optional<Integer> dead = pending.stream().filter(i -> !running(i)).findFirst();
      if (dead.isPresent()) {
        throw new IllegalStateException(
            "etcd member " + dead.get() + " exited" + logTails(List.of(dead.get())));
      }
      if (System.nanoTime() > deadline) {
        throw new IllegalStateException(
            "etcd members "
                + pending
                + " not healthy within "
                + HEALTHY_WITHIN.toSeconds()
                + " s"
                + logTails(pending));
      }
      try {
        Thread.sleep(POLL);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new IllegalStateException("interrupted waiting for etcd", e);
      }
    }
  }

  /**
   * The first lines too, because etcd reports a bad flag or data directory on its first line and
   * then prints a page of usage; the last lines say why a running member never became healthy.
   */
  private String logTails(List<Integer> which) {
    StringBuilder out = new StringBuilder();
    for (int i : which) {
      Path log = members.get(i).log();
      out.append("\n--- ").append(log).append('\n');
      try {
        List<String> lines = Files.readAllLines(log, StandardCharsets.UTF_8);
        if (lines.size() <= LOG_HEAD_LINES + LOG_TAIL_LINES) {
          lines.forEach(line -> out.append(line).append('\n'));
        } else {
          lines.subList(0, LOG_HEAD_LINES).forEach(line -> out.append(line).append('\n'));
          out.append("...\n");
          lines
              .subList(lines.size() - LOG_TAIL_LINES, lines.size())
              .forEach(line -> out.append(line).append('\n'));
        }
      } catch (IOException e) {
        out.append("(unreadable: ").append(e.getMessage()).append(")\n");
      }
    }
    return out.toString();
  }

  private int runningCount() {
    return (int) IntStream.range(0, members.size()).filter(this::running).count();
  }

  private int quorum() {
    return members.size() / 2 + 1;
  }

  private String initialCluster() {
    return members.stream().map(m -> m.name() + "=" + m.peerUrl()).collect(Collectors.joining(","));
  }

  /** Runs from the shutdown hook, so it must not wait on the monitor a stuck caller may hold. */
  private void destroyAll() {
    for (Process process : processes.clone()) {
      if (process != null) {
        process.destroyForcibly();
      }
    }
  }

  private static void destroy(Process process) {
    process.destroyForcibly();
    try {
      if (!process.waitFor(EXIT_WITHIN.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new IllegalStateException("etcd pid " + process.pid() + " survived SIGKILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted waiting for etcd to exit", e);
    }
  }

  private static Path findEtcd() {
    String configured = System.getenv(BIN_ENV);
    if (configured != null && !configured.isBlank()) {
      Path path = Path.of(configured);
      if (Files.isRegularFile(path) && Files.isExecutable(path)) {
        return path;
      }
      throw new IllegalStateException(NOT_FOUND + " (" + BIN_ENV + "=" + configured + ")");
    }
    String searchPath = Optional.ofNullable(System.getenv("PATH")).orElse("");
    for (String entry : searchPath.split(File.pathSeparator)) {
      if (entry.isEmpty()) {
        continue;
      }
      Path candidate = Path.of(entry, "etcd");
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return candidate;
      }
    }
    throw new IllegalStateException(NOT_FOUND);
  }

  /**
   * Binds every port at once before releasing them, so no two members draw the same one; another
   * process could still take one in the gap before etcd binds it, which is rare on loopback.
   */
  private static List<Member> allocate(int count, Path dir) {
    List<ServerSocket> sockets = new ArrayList<>();
    try {
      for (int i = 0; i < 2 * count; i++) {
        sockets.add(new ServerSocket(0, 1, InetAddress.getByName(LOOPBACK)));
      }
      List<Member> members = new ArrayList<>();
      for (int i = 0; i < count; i++) {
        String name = "member-" + i;
        members.add(
            new Member(
                name,
                sockets.get(2 * i).getLocalPort(),
                sockets.get(2 * i + 1).getLocalPort(),
                dir.resolve(name),
                dir.resolve(name + ".log")));
      }
      return List.copyOf(members);
    } catch (IOException e) {
      throw new UncheckedIOException("cannot pick free ports", e);
    } finally {
      for (ServerSocket socket : sockets) {
        try {
          socket.close();
        } catch (IOException e) {
          // A listening socket that never accepted has nothing to flush; closing cannot matter.
        }
      }
    }
  }

  /** One member's fixed identity: it keeps name, ports and directories across restarts. */
  private record Member(String name, int clientPort, int peerPort, Path dataDir, Path log) {
    String clientUrl() {
      return "http://" + LOOPBACK + ":" + clientPort;
    }

    String peerUrl() {
      return "http://" + LOOPBACK + ":" + peerPort;
    }
  }
}
