package io.cairn.testfixtures.logging;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import java.util.List;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.slf4j.LoggerFactory;
import org.slf4j.event.KeyValuePair;

/**
 * What one logger logs during each test, at INFO and above: register it as a field with
 * {@code @RegisterExtension}. The logger's level and appenders are restored after each test.
 */
public final class CapturedLogs implements BeforeEachCallback, AfterEachCallback {
  private final Logger logger;
  private final ListAppender<ILoggingEvent> appender = new ListAppender<>();

  private CapturedLogs(Logger logger) {
    this.logger = logger;
  }

  /** The events of the logger named after {@code type}, as {@code LoggerFactory} names it. */
  public static CapturedLogs of(Class<?> type) {
    return new CapturedLogs((Logger) LoggerFactory.getLogger(type));
  }

  /** The logger captured, to hand to code that takes one. */
  public org.slf4j.Logger logger() {
    return logger;
  }

  /** The events so far in this test, oldest first (the live list). */
  public List<ILoggingEvent> events() {
    return appender.list;
  }

  /** The value {@code event} logged under {@code key}; fails when it logged none. */
  public static Object value(ILoggingEvent event, String key) {
    List<KeyValuePair> pairs = event.getKeyValuePairs();
    return (pairs == null ? List.<KeyValuePair>of() : pairs)
        .stream()
            .filter(p -> p.key.equals(key))
            .findFirst()
            .orElseThrow(() -> new AssertionError("no " + key + " in " + event))
            .value;
  }

  @Override
  public void beforeEach(ExtensionContext context) {
    appender.list.clear();
    appender.start();
    logger.addAppender(appender);
    logger.setLevel(Level.INFO);
  }

  @Override
  public void afterEach(ExtensionContext context) {
    logger.detachAppender(appender);
    appender.stop();
    logger.setLevel(null);
  }
}
