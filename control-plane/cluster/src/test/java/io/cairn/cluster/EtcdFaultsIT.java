package io.cairn.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.Fixtures;
import io.cairn.registry.Registry;
import io.cairn.registry.RegistryException;
import io.cairn.registry.StoreException;
import io.cairn.registry.StoreUnavailableException;
import io.cairn.registry.WriteState;
import io.cairn.registry.command.Command;
import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.DeregisterInstance;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.testfixtures.etcd.LocalEtcd;
import io.etcd.jetcd.ByteSequence;
import io.etcd.jetcd.Client;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * etcd faults injected for real under write load: a replica's connection cut, etcd killed and
 * restarted, a record no replica can read met by a reload. Afterwards the replicas agree, and
 * nothing acknowledged is lost or comes back.
 */
class EtcdFaultsIT {
  private static final Duration WAIT = Duration.ofSeconds(30);

  /** No single write may take longer than this to be answered, fault or not. */
  private static final Duration ANSWER_WITHIN = Duration.ofSeconds(20);

  private static final List<String> SERVICES = List.of("load-0", "load-1", "load-2", "load-3");

  @TempDir Path dir;

  private LocalEtcd etcd;
  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    for (AutoCloseable c : open.reversed()) {
      c.close();
    }
    if (etcd != null) {
      etcd.close();
    }
  }

  private Registry replica(String node, String endpoint) {
    Registry r =
        Registry.replicated(
            EtcdStore.connect(TestEtcdSettings.of(List.of(endpoint)), node),
            new SimpleMeterRegistry());
    open.add(r);
    return r;
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aReplicaCutOffUnderLoadRefusesWritesThenCatchesUpAndAgrees() throws Exception {
    etcd = LocalEtcd.start(1, dir);
    TcpProxy proxy = TcpProxy.to(etcd.endpoints().getFirst());
    open.add(proxy);
    Registry a = replica("a", etcd.endpoints().getFirst());
    Registry b = replica("b", proxy.url());
    History history = new History();

    try (WriteLoad load = WriteLoad.start(a, "a", 4, history)) {
      load.awaitAcknowledged(50);
      proxy.cut();
      long cutAt = System.nanoTime();
      await().atMost(WAIT).until(() -> b.writeState() instanceof WriteState.Unwritable);
      long unwritableMs = (System.nanoTime() - cutAt) / 1_000_000;

      int refused = 0;
      for (int i = 0; i < 20; i++) {
        Command command = register("b-" + i, 1);
        history.submitted("b-" + i, command);
        Throwable failure = failureOf(b.submit(command));
        history.unknown("b-" + i, command);
        assertThat(failure)
            .as("write %d to the cut-off replica", i)
            .isInstanceOf(StoreUnavailableException.class);
        refused++;
      }
      long ackedBeforeRestore = load.acknowledged();
      load.awaitAcknowledged(ackedBeforeRestore + 50); // a keeps writing meanwhile
      proxy.restore();
      long restoredAt = System.nanoTime();
      await().atMost(WAIT).until(() -> b.writeState() instanceof WriteState.Writable);
      long writableMs = (System.nanoTime() - restoredAt) / 1_000_000;
      int bAcked = writeUntilAcknowledged(b, "b-after", history);
      load.awaitAcknowledged(load.acknowledged() + 50);
      load.stop();

      int compared = agree(a, b, history);
      System.out.printf(
          "cut under load: %d writes on a (%d acknowledged, %d failed), unwritable %d ms after"
              + " the cut, %d writes to b refused with StoreUnavailableException, writable %d ms"
              + " after restore, %d acknowledged on b after it, slowest answer %d ms; %d indexes compared,"
              + " %s%n",
          load.submitted(),
          load.acknowledged(),
          load.failed(),
          unwritableMs,
          refused,
          writableMs,
          bAcked,
          load.slowestMs(),
          compared,
          history.summary());
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void etcdRestartedUnderLoadLeavesReplicasThatAgree() throws Exception {
    etcd = LocalEtcd.start(1, dir);
    Registry a = replica("a", etcd.endpoints().getFirst());
    Registry b = replica("b", etcd.endpoints().getFirst());
    History history = new History();

    try (WriteLoad load = WriteLoad.start(a, "a", 4, history)) {
      load.awaitAcknowledged(50);
      etcd.kill(0); // SIGKILL: LocalEtcd has no gentler stop, and this is the harder fault
      long killedAt = System.nanoTime();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  a.writeState() instanceof WriteState.Unwritable
                      && b.writeState() instanceof WriteState.Unwritable);
      long unwritableMs = (System.nanoTime() - killedAt) / 1_000_000;
      long failedBefore = load.failed();
      await().atMost(WAIT).until(() -> load.failed() > failedBefore + 20);

      etcd.restart(0);
      long restartedAt = System.nanoTime();
      await()
          .atMost(WAIT)
          .until(
              () ->
                  a.writeState() instanceof WriteState.Writable
                      && b.writeState() instanceof WriteState.Writable);
      long writableMs = (System.nanoTime() - restartedAt) / 1_000_000;
      long ackedAtRestart = load.acknowledged();
      load.awaitAcknowledged(ackedAtRestart + 50);
      int bAcked = writeUntilAcknowledged(b, "b-after", history);
      load.stop();

      int compared = agree(a, b, history);
      System.out.printf(
          "etcd SIGKILL + restart under load: %d writes on a (%d acknowledged, %d failed, %d"
              + " acknowledged after the restart), both unwritable %d ms after the kill, both"
              + " writable %d ms after the restart, %d acknowledged on b after it, slowest"
              + " answer %d ms; %d indexes compared, %s%n",
          load.submitted(),
          load.acknowledged(),
          load.failed(),
          load.acknowledged() - ackedAtRestart,
          unwritableMs,
          writableMs,
          bAcked,
          load.slowestMs(),
          compared,
          history.summary());
    }
  }

  @Test
  @Timeout(value = 60, unit = TimeUnit.SECONDS)
  void aRecordTheReloadCannotReadStopsTheWriterAndReadinessSaysSo() throws Exception {
    etcd = LocalEtcd.start(1, dir);
    TcpProxy proxy = TcpProxy.to(etcd.endpoints().getFirst());
    open.add(proxy);
    Registry a = replica("a", etcd.endpoints().getFirst());
    Registry b = replica("b", proxy.url());
    a.apply(new RegisterInstance(Fixtures.instance("web-1", "web"), List.of(), false));
    await().atMost(WAIT).until(() -> b.snapshot().instance("web-1").isPresent());
    assertThat(b.writeState()).isInstanceOf(WriteState.Writable.class);

    proxy.cut();
    await().atMost(WAIT).until(() -> b.writeState() instanceof WriteState.Unwritable);
    try (Client c = Client.builder().endpoints(etcd.endpoints().getFirst()).build()) {
      c.getKVClient()
          .put(bytes("/it/data/instance/garbage"), bytes("{not json"))
          .get(10, TimeUnit.SECONDS);
      // A reload only reads records when the head moved past the replica's index (a hand edit
      // alone does not move it), so a Cairn commit must follow the garbage.
      a.apply(new RegisterInstance(Fixtures.instance("web-2", "web"), List.of(), false));
      long revision =
          c.getKVClient()
              .get(bytes("/it/head"))
              .get(10, TimeUnit.SECONDS)
              .getHeader()
              .getRevision();
      // Compacted past everything b missed: it must read the whole store again.
      c.getKVClient().compact(revision).get(10, TimeUnit.SECONDS);
    }
    proxy.restore();
    long restoredAt = System.nanoTime();

    Throwable failure = b.writerFailure().get(WAIT.toSeconds(), TimeUnit.SECONDS);
    long stoppedMs = (System.nanoTime() - restoredAt) / 1_000_000;
    assertThat(failure).isInstanceOf(StoreException.class).hasMessageContaining("garbage");
    assertThat(b.writeState()).isInstanceOf(WriteState.Stopped.class);
    assertThat(failureOf(b.submit(register("web-3", 1))))
        .isInstanceOf(StoreUnavailableException.class)
        .hasMessageContaining("must be restarted");
    // It keeps serving what it had; the replica that saw the record live skipped it and goes on.
    assertThat(b.snapshot().instance("web-1")).isPresent();
    assertThat(b.snapshot().instance("web-2")).isEmpty();
    assertThat(a.writeState()).isInstanceOf(WriteState.Writable.class);
    assertThat(a.apply(register("web-4", 1)).applied()).isTrue();
    assertThat(a.snapshot().instance("garbage")).isEmpty();
    System.out.printf(
        "garbage record met by a reload: writer stopped %d ms after restore (%s); the live"
            + " replica skipped it and stays writable%n",
        stoppedMs, failure.getMessage());
  }

  /**
   * Waits for {@code b} to reach {@code a}'s index with no writes going on, then requires {@code
   * a}, {@code b} and a replica loading etcd afresh to serve the same snapshot, and that snapshot
   * to agree with every key's history. Returns the number of indexes compared.
   */
  private int agree(Registry a, Registry b, History history) {
    await().atMost(WAIT).until(() -> b.snapshot().index() == a.snapshot().index());
    int compared = SameSnapshot.assertSame(a.snapshot(), b.snapshot(), SERVICES);
    Registry c = replica("c", etcd.endpoints().getFirst());
    compared += SameSnapshot.assertSame(a.snapshot(), c.snapshot(), SERVICES);
    history.check(a.snapshot().instances().stream().map(i -> i.value()).toList());
    return compared;
  }

  /** Writes to {@code r} until one is acknowledged; returns 1, or fails after {@link #WAIT}. */
  private static int writeUntilAcknowledged(Registry r, String id, History history)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (System.nanoTime() < deadline) {
      Command command = register(id, 2);
      history.submitted(id, command);
      Throwable failure = failureOf(r.submit(command));
      if (failure == null) {
        history.acknowledged(id, command);
        return 1;
      }
      history.unknown(id, command);
      Thread.sleep(200);
    }
    throw new AssertionError("no write acknowledged within " + WAIT);
  }

  static RegisterInstance register(String id, int port) {
    return new RegisterInstance(
        Fixtures.instance(
            id, SERVICES.get(Math.floorMod(id.hashCode(), SERVICES.size())), "10.0.0.1", port),
        List.of(),
        false);
  }

  /**
   * The failure of {@code result}, or null if it succeeded; fails the test if it is not answered
   * within {@link #ANSWER_WITHIN}.
   */
  static Throwable failureOf(java.util.concurrent.CompletableFuture<CommandResult> result)
      throws InterruptedException {
    try {
      result.get(ANSWER_WITHIN.toSeconds(), TimeUnit.SECONDS);
      return null;
    } catch (ExecutionException e) {
      return e.getCause();
    } catch (TimeoutException e) {
      return fail("a write was not answered within " + ANSWER_WITHIN);
    }
  }

  private static ByteSequence bytes(String s) {
    return ByteSequence.from(s, StandardCharsets.UTF_8);
  }

  /**
   * Every operation on every instance id, in the order its one writer submitted them, with its
   * outcome: acknowledged, refused (not applied), or failed (outcome unknown: the commit may have
   * reached etcd before the connection broke).
   */
  static final class History {
    private enum Outcome {
      PENDING,
      ACKNOWLEDGED,
      REFUSED,
      UNKNOWN
    }

    private static final class Op {
      final Command command;
      volatile Outcome outcome = Outcome.PENDING;

      Op(Command command) {
        this.command = command;
      }
    }

    private final Map<String, List<Op>> ops = new ConcurrentHashMap<>();
    private int keysChecked;
    private int acknowledgedPresent;
    private int acknowledgedAbsent;

    void submitted(String id, Command command) {
      ops.computeIfAbsent(id, k -> java.util.Collections.synchronizedList(new ArrayList<>()))
          .add(new Op(command));
    }

    void acknowledged(String id, Command command) {
      mark(id, command, Outcome.ACKNOWLEDGED);
    }

    void refused(String id, Command command) {
      mark(id, command, Outcome.REFUSED);
    }

    void unknown(String id, Command command) {
      mark(id, command, Outcome.UNKNOWN);
    }

    private void mark(String id, Command command, Outcome outcome) {
      for (Op op : ops.get(id)) {
        if (op.command == command) {
          op.outcome = outcome;
          return;
        }
      }
      throw new IllegalStateException("not submitted: " + command);
    }

    /**
     * Each id must hold what its last acknowledged operation left (absent before any), or what a
     * later operation of unknown outcome would have left.
     */
    void check(List<ServiceInstance> served) {
      Map<String, ServiceInstance> byId = new java.util.HashMap<>();
      served.forEach(i -> byId.put(i.id(), i));
      List<String> problems = new ArrayList<>();
      Set<String> ids = new HashSet<>(ops.keySet());
      for (String id : ids) {
        List<Op> list = List.copyOf(ops.get(id));
        Set<Optional<ServiceInstance>> allowed = new HashSet<>();
        allowed.add(Optional.empty());
        for (Op op : list) {
          switch (op.outcome) {
            case ACKNOWLEDGED -> {
              allowed.clear();
              allowed.add(effect(op.command));
            }
            case UNKNOWN -> allowed.add(effect(op.command));
            case REFUSED -> {}
            case PENDING -> throw new IllegalStateException("unanswered " + op.command);
          }
        }
        Optional<ServiceInstance> actual = Optional.ofNullable(byId.get(id));
        if (!allowed.contains(actual)) {
          problems.add(id + ": serves " + actual + ", allowed " + allowed);
        }
        Optional<Op> lastAcked =
            list.reversed().stream().filter(o -> o.outcome == Outcome.ACKNOWLEDGED).findFirst();
        if (lastAcked.isPresent()) {
          if (lastAcked.get().command instanceof RegisterInstance) {
            acknowledgedPresent++;
          } else {
            acknowledgedAbsent++;
          }
        }
        keysChecked++;
      }
      for (String id : byId.keySet()) {
        if (!ids.contains(id)) {
          problems.add(id + ": served but never written");
        }
      }
      assertThat(problems).as("keys against their history").isEmpty();
    }

    private static Optional<ServiceInstance> effect(Command command) {
      return switch (command) {
        case RegisterInstance r -> Optional.of(r.instance());
        case DeregisterInstance d -> Optional.empty();
        default -> throw new IllegalArgumentException("unexpected " + command);
      };
    }

    String summary() {
      return keysChecked
          + " keys checked against their history, 0 problems (last acknowledged: "
          + acknowledgedPresent
          + " registrations, "
          + acknowledgedAbsent
          + " deregistrations)";
    }
  }

  /**
   * Threads registering and deregistering instances on one replica, each over ids of its own, each
   * registration with a port of its own so a lost write shows as an older value.
   */
  static final class WriteLoad implements AutoCloseable {
    private static final int IDS_PER_THREAD = 16;
    private static final int MAX_OPS = 60_000;

    private final Registry registry;
    private final History history;
    private final List<Thread> threads = new ArrayList<>();
    private final AtomicInteger ports = new AtomicInteger(1);
    private final AtomicLong submitted = new AtomicLong();
    private final AtomicLong acknowledged = new AtomicLong();
    private final AtomicLong failed = new AtomicLong();
    private final AtomicLong slowestNanos = new AtomicLong();
    private final List<Throwable> errors = new java.util.concurrent.CopyOnWriteArrayList<>();
    private volatile boolean stopping;

    private WriteLoad(Registry registry, History history) {
      this.registry = registry;
      this.history = history;
    }

    static WriteLoad start(Registry registry, String prefix, int threadCount, History history) {
      WriteLoad load = new WriteLoad(registry, history);
      for (int t = 0; t < threadCount; t++) {
        String ids = prefix + "-" + t + "-";
        load.threads.add(
            Thread.ofPlatform().daemon().name("load-" + ids).start(() -> load.run(ids)));
      }
      return load;
    }

    private void run(String idPrefix) {
      try {
        while (!stopping && ports.get() < MAX_OPS) {
          String id = idPrefix + ThreadLocalRandom.current().nextInt(IDS_PER_THREAD);
          Command command =
              ThreadLocalRandom.current().nextInt(10) < 6
                  ? register(id, ports.getAndIncrement())
                  : new DeregisterInstance(id);
          history.submitted(id, command);
          submitted.incrementAndGet();
          long started = System.nanoTime();
          Throwable failure = failureOf(registry.submit(command));
          slowestNanos.accumulateAndGet(System.nanoTime() - started, Math::max);
          if (failure == null) {
            history.acknowledged(id, command);
            acknowledged.incrementAndGet();
          } else if (failure instanceof StoreException) {
            history.unknown(id, command);
            failed.incrementAndGet();
            Thread.sleep(20); // a client backing off; also keeps failures from spinning
          } else if (failure instanceof RegistryException) {
            history.refused(id, command); // deregistering an absent instance
          } else {
            throw new AssertionError("unexpected failure of " + command, failure);
          }
        }
      } catch (Throwable t) {
        errors.add(t);
      }
    }

    void awaitAcknowledged(long count) {
      await().atMost(WAIT).until(() -> acknowledged.get() >= count || !errors.isEmpty());
      assertThat(errors).isEmpty();
    }

    long submitted() {
      return submitted.get();
    }

    long acknowledged() {
      return acknowledged.get();
    }

    long failed() {
      return failed.get();
    }

    long slowestMs() {
      return slowestNanos.get() / 1_000_000;
    }

    /** Stops the threads once each has its last write answered; fails on any thread's error. */
    void stop() throws InterruptedException {
      stopping = true;
      for (Thread t : threads) {
        assertThat(t.join(ANSWER_WITHIN.plusSeconds(5))).as("load thread ended").isTrue();
      }
      assertThat(errors).isEmpty();
    }

    @Override
    public void close() throws InterruptedException {
      stopping = true;
      for (Thread t : threads) {
        t.join(ANSWER_WITHIN.plusSeconds(5));
      }
    }
  }
}
