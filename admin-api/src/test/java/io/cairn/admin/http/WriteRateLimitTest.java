package io.cairn.admin.http;

import static org.assertj.core.api.Assertions.assertThat;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.net.InetAddress;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class WriteRateLimitTest {
  private final AtomicLong now = new AtomicLong(1_000_000_000L);

  private WriteRateLimit limit(double perSecond, int burst) {
    return new WriteRateLimit(
        new HttpLimits(10, perSecond, burst, 16_384, 10_000), new SimpleMeterRegistry(), now::get);
  }

  private static InetAddress ip(int i) throws Exception {
    return InetAddress.getByAddress(new byte[] {10, (byte) (i >> 16), (byte) (i >> 8), (byte) i});
  }

  @Test
  void aBurstThenTheSustainedRate() throws Exception {
    WriteRateLimit limit = limit(2, 3);
    InetAddress a = ip(1);
    assertThat(limit.take(a)).isZero();
    assertThat(limit.take(a)).isZero();
    assertThat(limit.take(a)).isZero();
    assertThat(limit.take(a)).as("seconds until the next token").isEqualTo(0.5);
    now.addAndGet(500_000_000L);
    assertThat(limit.take(a)).isZero();
    assertThat(limit.take(a)).isEqualTo(0.5);
    // Another client has its own bucket.
    assertThat(limit.take(ip(2))).isZero();
    // Idle time refills up to the burst, not beyond.
    now.addAndGet(60_000_000_000L);
    for (int i = 0; i < 3; i++) {
      assertThat(limit.take(a)).isZero();
    }
    assertThat(limit.take(a)).isPositive();
  }

  @Test
  void idleClientsAreForgottenWhenManyAreTracked() throws Exception {
    WriteRateLimit limit = limit(1, 1);
    for (int i = 0; i < WriteRateLimit.MAX_TRACKED; i++) {
      limit.take(ip(i));
    }
    InetAddress busy = ip(0);
    now.addAndGet(2_000_000_000L);
    limit.take(busy); // the only one not full after the refill
    // The next new client makes room: every full (idle) bucket goes, the busy one stays.
    assertThat(limit.take(ip(WriteRateLimit.MAX_TRACKED + 1))).isZero();
    assertThat(limit.take(busy)).as("still limited: its bucket was kept").isPositive();
  }
}
