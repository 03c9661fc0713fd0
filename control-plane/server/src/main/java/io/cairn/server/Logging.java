package io.cairn.server;

import io.cairn.server.config.LogFormat;
import io.cairn.server.config.LogLevel;
import java.util.Locale;
import org.slf4j.bridge.SLF4JBridgeHandler;

/**
 * Chooses the logback configuration before the first logger exists: {@code logback.xml} for people,
 * {@code logback-json.xml} for one JSON object per line. Libraries that log through
 * java.util.logging are routed to the same place.
 */
final class Logging {
  private Logging() {}

  static void configure(LogLevel level, LogFormat format) {
    System.setProperty("cairn.log.level", level.name().toLowerCase(Locale.ROOT));
    if (format == LogFormat.JSON && System.getProperty("logback.configurationFile") == null) {
      System.setProperty("logback.configurationFile", "logback-json.xml");
    }
    SLF4JBridgeHandler.removeHandlersForRootLogger();
    SLF4JBridgeHandler.install();
  }
}
