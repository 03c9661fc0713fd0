package io.cairn.server;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.grpc.Status;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

class AclRefusalLogFilterTest {
  private final LoggerContext context = new LoggerContext();
  private final ListAppender<ILoggingEvent> events = new ListAppender<>();

  @BeforeEach
  void setUp() {
    AclRefusalLogFilter filter = new AclRefusalLogFilter();
    filter.start();
    context.addTurboFilter(filter);
    events.setContext(context);
    events.start();
    context.getLogger(Logger.ROOT_LOGGER_NAME).addAppender(events);
  }

  @Test
  void dropsTheLibrarysErrorForAclRefusalsOnly() {
    Logger library = context.getLogger(AclRefusalLogFilter.LIBRARY_LOGGER);
    library.error(
        "[{}] stream closed with error", 4L, Status.PERMISSION_DENIED.asRuntimeException());
    library.error("[{}] stream closed with error", 5L, Status.UNAUTHENTICATED.asException());
    library.error("[{}] stream closed with error", 6L, Status.UNAVAILABLE.asRuntimeException());
    library.info("[{}] stream cancelled", 7L);
    context.getLogger("io.cairn.xds").error("other", Status.PERMISSION_DENIED.asException());

    assertThat(events.list)
        .extracting(ILoggingEvent::getFormattedMessage)
        .containsExactly("[6] stream closed with error", "[7] stream cancelled", "other");
  }
}
