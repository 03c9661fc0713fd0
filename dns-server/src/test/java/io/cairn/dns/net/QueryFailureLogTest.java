package io.cairn.dns.net;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

class QueryFailureLogTest {
  private final Logger logger = (Logger) LoggerFactory.getLogger(QueryFailureLogTest.class);
  private final ListAppender<ILoggingEvent> logs = new ListAppender<>();
  private long now = 1_000_000_000L;
  private final QueryFailureLog failures =
      new QueryFailureLog(logger, Duration.ofSeconds(10), () -> now);

  @BeforeEach
  void attach() {
    logs.start();
    logger.addAppender(logs);
    logger.setLevel(Level.INFO);
  }

  @AfterEach
  void detach() {
    logger.detachAppender(logs);
    logger.setLevel(null);
  }

  @Test
  void aBugEveryQueryHitsLogsOneStackTraceThenOneLinePerInterval() {
    // 100 failing queries a second for 25 s.
    for (int i = 0; i < 2_500; i++) {
      failures.failed("DNS query failed", new IllegalStateException("bug " + i), 40);
      now += TimeUnit.MILLISECONDS.toNanos(10);
    }
    failures.close();

    assertThat(logs.list).hasSize(4);
    assertThat(logs.list.get(0).getThrowableProxy()).isNotNull();
    assertThat(logs.list.get(0).getFormattedMessage()).isEqualTo("DNS query failed");
    assertThat(logs.list.subList(1, 4)).allSatisfy(e -> assertThat(e.getThrowableProxy()).isNull());
    long counted = logs.list.subList(1, 4).stream().mapToLong(e -> (Long) value(e, "failed")).sum();
    assertThat(counted).isEqualTo(2_500 - 1);
    assertThat(logs.list.get(3).getFormattedMessage()).endsWith("bug 2499");
  }

  @Test
  void aFailureAfterAQuietIntervalIsLoggedInFullAgain() {
    failures.failed("DNS query failed", new IllegalStateException("first"), 40);
    now += TimeUnit.MILLISECONDS.toNanos(5);
    failures.failed("DNS query failed", new IllegalStateException("second"), 40);
    now += TimeUnit.SECONDS.toNanos(11);
    failures.failed("DNS query failed in the reply cache", new IllegalStateException("third"), 40);

    assertThat(logs.list).hasSize(3);
    assertThat(logs.list.get(1).getFormattedMessage()).endsWith("second");
    assertThat(value(logs.list.get(1), "failed")).isEqualTo(1L);
    assertThat(logs.list.get(2).getFormattedMessage())
        .isEqualTo("DNS query failed in the reply cache");
    assertThat(logs.list.get(2).getThrowableProxy().getMessage()).isEqualTo("third");
  }

  private static Object value(ILoggingEvent event, String key) {
    return event.getKeyValuePairs().stream()
        .filter(p -> p.key.equals(key))
        .findFirst()
        .orElseThrow()
        .value;
  }
}
