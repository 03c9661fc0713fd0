package io.cairn.registry;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.cairn.registry.command.CommandResult;
import io.cairn.registry.command.CommandResult.Outcome;
import io.cairn.registry.command.CreateSession;
import io.cairn.registry.command.DestroySession;
import io.cairn.registry.command.KvLock;
import io.cairn.registry.command.KvSet;
import io.cairn.registry.command.KvTxn;
import io.cairn.registry.command.RegisterInstance;
import io.cairn.registry.command.RenewSession;
import io.cairn.registry.command.UpdateCheck;
import io.cairn.registry.kv.KvEntry;
import io.cairn.registry.kv.KvOp;
import io.cairn.registry.kv.Session;
import io.cairn.registry.kv.SessionBehavior;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.Indexed;
import io.cairn.registry.validation.ValidationException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.OptionalLong;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Consul's sessions and locks on the registry: acquire, release, invalidation, TTL, lock delay. */
class SessionRegistryTest {
  @RegisterExtension final OpenRegistries registries = new OpenRegistries();
  private final InMemoryStore store = new InMemoryStore();
  private final Registry registry = registries.open(store);

  static Session session(
      String id,
      SessionBehavior behavior,
      Duration lockDelay,
      Optional<Duration> ttl,
      List<String> checks) {
    return new Session(
        id, "", "node-1", lockDelay, behavior, ttl, List.of(Session.SERF_HEALTH), checks, 0);
  }

  private static KvEntry entry(String key, String value) {
    return new KvEntry(key, 0, value.getBytes(StandardCharsets.UTF_8));
  }

  private Outcome lock(String key, String value, String session, boolean acquire) {
    return registry.apply(new KvLock(entry(key, value), session, acquire)).outcome();
  }

  private Indexed<KvEntry> stored(String key) {
    return registry.snapshot().kv().entry(key).orElseThrow();
  }

  @Test
  void locksFollowConsul() {
    registry.apply(
        new CreateSession(
            session("s1", SessionBehavior.RELEASE, Duration.ZERO, Optional.empty(), List.of())));
    registry.apply(
        new CreateSession(
            session("s2", SessionBehavior.RELEASE, Duration.ZERO, Optional.empty(), List.of())));
    assertThat(lock("leader", "a", "s1", true)).isEqualTo(Outcome.APPLIED);
    assertThat(stored("leader").value().session()).hasValue("s1");
    assertThat(stored("leader").value().lockIndex()).isEqualTo(1);
    assertThat(lock("leader", "b", "s2", true)).as("held by s1").isEqualTo(Outcome.CAS_FAILED);
    assertThat(lock("leader", "a2", "s1", true)).as("re-acquire").isEqualTo(Outcome.APPLIED);
    assertThat(stored("leader").value().lockIndex()).as("not a new lock").isEqualTo(1);
    registry.apply(new KvSet(entry("leader", "plain"), OptionalLong.empty()));
    assertThat(stored("leader").value().session())
        .as("a plain write keeps the lock")
        .hasValue("s1");
    assertThat(lock("leader", "x", "s2", false))
        .as("s2 holds nothing")
        .isEqualTo(Outcome.CAS_FAILED);
    assertThat(lock("leader", "x", "s1", false)).isEqualTo(Outcome.APPLIED);
    assertThat(stored("leader").value().session()).isEmpty();
    assertThat(lock("leader", "b", "s2", true)).isEqualTo(Outcome.APPLIED);
    assertThat(stored("leader").value().lockIndex()).isEqualTo(2);
    assertThatThrownBy(() -> lock("leader", "b", "nope", true))
        .isInstanceOf(ValidationException.class)
        .hasMessageContaining("invalid session \"nope\"");
  }

  @Test
  void invalidationReleasesOrDeletesAndTheLockDelayHolds() {
    registry.apply(
        new CreateSession(
            session(
                "rel",
                SessionBehavior.RELEASE,
                Duration.ofMinutes(1),
                Optional.empty(),
                List.of())));
    registry.apply(
        new CreateSession(
            session("del", SessionBehavior.DELETE, Duration.ZERO, Optional.empty(), List.of())));
    registry.apply(
        new CreateSession(
            session("other", SessionBehavior.RELEASE, Duration.ZERO, Optional.empty(), List.of())));
    lock("a", "1", "rel", true);
    lock("b", "2", "del", true);
    CommandResult destroyed = registry.apply(DestroySession.of("rel"));
    assertThat(stored("a").value().session()).isEmpty();
    assertThat(stored("a").modifyIndex()).isEqualTo(destroyed.index());
    assertThat(registry.snapshot().kv().session("rel")).isEmpty();
    assertThat(lock("a", "x", "other", true)).as("lock delay").isEqualTo(Outcome.CAS_FAILED);
    registry.apply(DestroySession.of("del"));
    assertThat(registry.snapshot().kv().entry("b")).isEmpty();
    assertThat(lock("b", "x", "other", true))
        .as("no lock delay for del")
        .isEqualTo(Outcome.APPLIED);
  }

  @Test
  void aCriticalCheckInvalidatesTheSessionsThatNameIt() {
    registry.apply(
        new RegisterInstance(
            Fixtures.instance("web-1", "web"),
            List.of(Fixtures.ttlCheck("web-1:ttl", "web-1", HealthStatus.PASSING)),
            false));
    assertThatThrownBy(
            () ->
                registry.apply(
                    new CreateSession(
                        session(
                            "bad",
                            SessionBehavior.RELEASE,
                            Duration.ZERO,
                            Optional.empty(),
                            List.of("nope")))))
        .hasMessageContaining("Missing check 'nope' registration");
    registry.apply(
        new CreateSession(
            session(
                "s",
                SessionBehavior.RELEASE,
                Duration.ZERO,
                Optional.empty(),
                List.of("web-1:ttl"))));
    lock("svc/leader", "web-1", "s", true);
    registry.apply(new UpdateCheck("web-1:ttl", HealthStatus.WARNING, "slow"));
    assertThat(registry.snapshot().kv().session("s")).as("warning is not critical").isPresent();
    CommandResult critical =
        registry.apply(new UpdateCheck("web-1:ttl", HealthStatus.CRITICAL, "down"));
    assertThat(registry.snapshot().kv().session("s")).isEmpty();
    assertThat(stored("svc/leader").value().session()).isEmpty();
    assertThat(stored("svc/leader").modifyIndex()).as("same commit").isEqualTo(critical.index());
    assertThatThrownBy(
            () ->
                registry.apply(
                    new CreateSession(
                        session(
                            "s2",
                            SessionBehavior.RELEASE,
                            Duration.ZERO,
                            Optional.empty(),
                            List.of("web-1:ttl")))))
        .hasMessageContaining("is in critical state");
  }

  @Test
  void anUnrenewedTtlExpiresAfterTwiceItAndARenewalPostponesIt() throws Exception {
    AtomicLong now = new AtomicLong(1_000_000);
    SessionReaper reaper = registries.add(SessionReaper.start(registry, now::get));
    registry.apply(
        new CreateSession(
            session(
                    "ttl",
                    SessionBehavior.DELETE,
                    Duration.ZERO,
                    Optional.of(Duration.ofSeconds(10)),
                    List.of())
                .renewedAt(now.get())));
    lock("eph", "1", "ttl", true);
    now.addAndGet(15_000);
    Thread.sleep(1500); // at least one look by the reaper: 15 s is within the 2x grace
    assertThat(registry.snapshot().kv().session("ttl")).isPresent();
    registry.apply(new RenewSession("ttl", now.get()));
    now.addAndGet(15_000);
    Thread.sleep(1500);
    assertThat(registry.snapshot().kv().session("ttl")).as("renewed 15 s ago").isPresent();
    now.addAndGet(6_000);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> registry.snapshot().kv().session("ttl").isEmpty());
    assertThat(registry.snapshot().kv().entry("eph")).as("behavior delete").isEmpty();
    assertThatThrownBy(() -> registry.apply(new RenewSession("ttl", now.get())))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void transactionsLockUnlockAndCheckTheSession() {
    registry.apply(
        new CreateSession(
            session("s", SessionBehavior.RELEASE, Duration.ZERO, Optional.empty(), List.of())));
    CommandResult r =
        registry.apply(
            new KvTxn(
                List.of(new KvOp.Lock(entry("l", "v"), "s"), new KvOp.CheckSession("l", "s"))));
    assertThat(r.entries().get(0).entry().value().session()).hasValue("s");
    assertThatThrownBy(
            () ->
                registry.apply(
                    new KvTxn(
                        List.of(
                            new KvOp.Unlock(entry("l", "v"), "other"),
                            new KvOp.CheckSession("l", "x")))))
        .isInstanceOfSatisfying(
            TxnFailedException.class,
            e ->
                assertThat(e.errors())
                    .extracting(TxnFailedException.TxnError::what)
                    .containsExactly(
                        "failed to unlock key \"l\", lock isn't held, or is held by another session",
                        "failed session check for key \"l\", current session \"s\" != \"x\""));
  }

  @Test
  void aRestartRestoresSessionsAndLocks() {
    registry.apply(
        new CreateSession(
            session(
                "s",
                SessionBehavior.RELEASE,
                Duration.ofSeconds(5),
                Optional.of(Duration.ofSeconds(30)),
                List.of())));
    lock("k", "v", "s", true);
    RegistrySnapshot before = registry.snapshot();
    registry.close();
    Registry again = registries.open(store);
    assertThat(again.snapshot().kv().sessions()).isEqualTo(before.kv().sessions());
    assertThat(again.snapshot().kv().entries()).isEqualTo(before.kv().entries());
    assertThat(again.snapshot().kv().sessionIndex()).isEqualTo(before.kv().sessionIndex());
  }

  @Test
  void replicasAgreeAndBothHoldTheLockDelay() {
    InMemorySharedStore.Server server = new InMemorySharedStore.Server();
    Registry a = registries.replica(server);
    Registry b = registries.replica(server);
    a.apply(
        new CreateSession(
            session(
                "s", SessionBehavior.RELEASE, Duration.ofMinutes(1), Optional.empty(), List.of())));
    b.apply(
        new CreateSession(
            session("t", SessionBehavior.RELEASE, Duration.ZERO, Optional.empty(), List.of())));
    assertThat(a.apply(new KvLock(entry("k", "v"), "s", true)).applied()).isTrue();
    CommandResult destroyed = a.apply(DestroySession.of("s"));
    await().atMost(Duration.ofSeconds(10)).until(() -> b.snapshot().index() >= destroyed.index());
    assertThat(b.snapshot().kv().entries()).isEqualTo(a.snapshot().kv().entries());
    assertThat(b.snapshot().kv().sessions()).isEqualTo(a.snapshot().kv().sessions());
    assertThat(b.apply(new KvLock(entry("k", "x"), "t", true)).outcome())
        .as("the other replica keeps the lock delay too")
        .isEqualTo(Outcome.CAS_FAILED);
  }
}
