package io.cairn.ca;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.registry.ca.CaConfiguration;
import io.cairn.registry.ca.CaSetup;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class LeafCacheTest {
  private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");

  /** A clock the test moves; it can hold the thread that reads it while a latch is closed. */
  private static final class TestClock extends Clock {
    private volatile Instant now = START;
    private volatile String holdThread = "";
    private final CountDownLatch held = new CountDownLatch(1);
    private final CountDownLatch release = new CountDownLatch(1);

    @Override
    public Instant instant() {
      if (Thread.currentThread().getName().equals(holdThread)) {
        held.countDown();
        try {
          release.await(30, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      return now;
    }

    @Override
    public java.time.ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(java.time.ZoneId zone) {
      return this;
    }
  }

  private final TestClock clock = new TestClock();
  private final AtomicReference<CaSetup> ca =
      new AtomicReference<>(
          CertificateAuthority.create(CaConfiguration.DEFAULT, "1111-2222.consul", START));

  private LeafCache cache(int max) {
    return new LeafCache(ca::get, "dc1", clock, max);
  }

  @Test
  void theSameLeafUntilItIsDueThenARenewalThatWakesWaitersAndListeners() {
    LeafCache leaves = cache(10);
    List<String> heard = new ArrayList<>();
    leaves.listen((service, e) -> heard.add(service + "#" + e.index()));
    LeafCache.Entry first = leaves.leaf("web");
    assertThat(leaves.leaf("web")).isSameAs(first);
    assertThat(leaves.held("web")).contains(first);
    assertThat(leaves.held("api")).isEmpty();
    Duration life = Duration.between(first.leaf().validAfter(), first.leaf().validBefore());
    assertThat(first.renewAt())
        .isBetween(
            first.leaf().validAfter().plus(life.multipliedBy(6).dividedBy(10)),
            first.leaf().validAfter().plus(life.multipliedBy(9).dividedBy(10)));

    CompletableFuture<Void> change = leaves.nextChange("web");
    clock.now = first.renewAt().minusSeconds(1);
    assertThat(leaves.leaf("web")).isSameAs(first);
    assertThat(change).isNotDone();
    clock.now = first.renewAt();
    LeafCache.Entry renewed = leaves.leaf("web");
    assertThat(renewed.index()).isGreaterThan(first.index());
    assertThat(renewed.leaf().serialNumber()).isNotEqualTo(first.leaf().serialNumber());
    assertThat(change).isDone();
    assertThat(leaves.nextChange("web")).isNotDone();
    assertThat(heard).containsExactly("web#" + first.index(), "web#" + renewed.index());
  }

  @Test
  void aCaChangeWakesWaitersAndTheNextReadHasALeafOfTheNewRoot() {
    LeafCache leaves = cache(10);
    LeafCache.Entry first = leaves.leaf("web");
    CompletableFuture<Void> change = leaves.nextChange("web");
    ca.set(CertificateAuthority.rotate(ca.get(), CaConfiguration.DEFAULT, START));
    leaves.caChanged();
    assertThat(change).isDone();
    LeafCache.Entry next = leaves.leaf("web");
    assertThat(next.leaf().rootId())
        .isEqualTo(ca.get().activeRootId())
        .isNotEqualTo(first.leaf().rootId());
    assertThat(first.current(ca.get(), START)).isFalse();
    assertThat(next.current(ca.get(), START)).isTrue();
  }

  @Test
  void whileOneServicesLeafIsBeingMadeAnotherServiceGetsItsOwn() throws Exception {
    LeafCache leaves = cache(10);
    clock.holdThread = "slow-issuer";
    Thread slow = Thread.ofVirtual().name("slow-issuer").start(() -> leaves.leaf("slow"));
    assertThat(clock.held.await(10, TimeUnit.SECONDS)).isTrue();
    // "slow" is mid-issue, holding its own lock: another service does not wait for it.
    CompletableFuture<LeafCache.Entry> other =
        CompletableFuture.supplyAsync(() -> leaves.leaf("fast"));
    assertThat(other.get(10, TimeUnit.SECONDS).leaf().id().service()).isEqualTo("fast");
    clock.release.countDown();
    slow.join(Duration.ofSeconds(10));
    assertThat(leaves.held("slow")).isPresent();
  }

  @Test
  void beyondTheBoundTheLeastRecentlyAskedIsForgottenAndItsWaitersWoken() {
    LeafCache leaves = cache(2);
    LeafCache.Entry a = leaves.leaf("a");
    CompletableFuture<Void> aChange = leaves.nextChange("a");
    leaves.leaf("b");
    leaves.leaf("a");
    leaves.leaf("c");
    assertThat(leaves.held("b")).isEmpty();
    assertThat(aChange).isNotDone();
    leaves.leaf("d");
    assertThat(leaves.held("a")).isEmpty();
    assertThat(aChange).as("a waiter on a forgotten service reads again").isDone();
    assertThat(leaves.leaf("a").index()).isGreaterThan(a.index());
  }
}
