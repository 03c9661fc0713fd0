package io.cairn.dns.net;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.spi.ILoggingEvent;
import io.cairn.testfixtures.logging.CapturedLogs;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

class QueryFailureLogTest {
  @RegisterExtension final CapturedLogs logs = CapturedLogs.of(QueryFailureLogTest.class);
  private long now = 1_000_000_000L;
  private final QueryFailureLog failures =
      new QueryFailureLog(logs.logger(), Duration.ofSeconds(10), () -> now);

  @Test
  void aBugEveryQueryHitsLogsOneStackTraceThenOneLinePerInterval() {
    // 100 failing queries a second for 25 s.
    for (int i = 0; i < 2_500; i++) {
      failures.failed("DNS query failed", new IllegalStateException("bug " + i), 40);
      now += TimeUnit.MILLISECONDS.toNanos(10);
    }
    failures.close();

    assertThat(logs.events()).hasSize(4);
    assertThat(logs.events().get(0).getThrowableProxy()).isNotNull();
    assertThat(logs.events().get(0).getFormattedMessage()).isEqualTo("DNS query failed");
    assertThat(logs.events().subList(1, 4))
        .allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
    long counted =
        logs.events().subList(1, 4).stream().mapToLong(e -> (Long) value(e, "failed")).sum();
    assertThat(counted).isEqualTo(2_500 - 1);
    assertThat(logs.events().get(3).getFormattedMessage()).endsWith("bug 2499");
  }

  @Test
  void aFailureAfterAQuietIntervalIsLoggedInFullAgain() {
    failures.failed("DNS query failed", new IllegalStateException("first"), 40);
    now += TimeUnit.MILLISECONDS.toNanos(5);
    failures.failed("DNS query failed", new IllegalStateException("second"), 40);
    now += TimeUnit.SECONDS.toNanos(11);
    failures.failed("DNS query failed in the reply cache", new IllegalStateException("third"), 40);

    assertThat(logs.events()).hasSize(3);
    assertThat(logs.events().get(1).getFormattedMessage()).endsWith("second");
    assertThat(value(logs.events().get(1), "failed")).isEqualTo(1L);
    assertThat(logs.events().get(2).getFormattedMessage())
        .isEqualTo("DNS query failed in the reply cache");
    assertThat(logs.events().get(2).getThrowableProxy().getMessage()).isEqualTo("third");
  }

  private static Object value(ILoggingEvent event, String key) {
    return CapturedLogs.value(event, key);
  }
}
