package io.cairn.xds.server;

import static org.assertj.core.api.Assertions.assertThat;

import io.cairn.testfixtures.logging.CapturedLogs;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.ServerCall;
import io.grpc.Status;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Refusals past the cap are counted each, and logged once per incident. */
class StreamLimitTest {
  private final SimpleMeterRegistry meters = new SimpleMeterRegistry();
  private final StreamLimit limit = new StreamLimit(2, meters);
  @RegisterExtension final CapturedLogs logs = CapturedLogs.of(StreamLimit.class);

  /** A call that only records how it was closed. */
  private static final class Call extends ServerCall<String, String> {
    Status closed;

    @Override
    public void request(int numMessages) {}

    @Override
    public void sendHeaders(Metadata headers) {}

    @Override
    public void sendMessage(String message) {}

    @Override
    public void close(Status status, Metadata trailers) {
      closed = status;
    }

    @Override
    public boolean isCancelled() {
      return false;
    }

    @Override
    public MethodDescriptor<String, String> getMethodDescriptor() {
      throw new UnsupportedOperationException();
    }
  }

  private record Started(Call call, ServerCall.Listener<String> listener) {}

  private Started start() {
    Call call = new Call();
    ServerCall.Listener<String> listener =
        limit.interceptCall(call, new Metadata(), (c, h) -> new ServerCall.Listener<>() {});
    return new Started(call, listener);
  }

  private List<String> lines() {
    return logs.events().stream().map(e -> e.getLevel() + " " + e.getFormattedMessage()).toList();
  }

  @Test
  void oneWarningPerIncidentAndOneLineWhenItEnds() {
    List<Started> open = new ArrayList<>(List.of(start(), start()));
    for (int i = 0; i < 5; i++) {
      assertThat(start().call().closed.getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }
    assertThat(open).allSatisfy(s -> assertThat(s.call().closed).isNull());
    assertThat(lines()).hasSize(1).first().asString().startsWith("WARN");
    assertThat(meters.counter("cairn.xds.streams.refused").count()).isEqualTo(5.0);

    open.get(0).listener().onComplete();
    open.get(0).listener().onCancel(); // a second end of the same call counts once
    assertThat(limit.open()).isEqualTo(1);
    assertThat(lines()).hasSize(2).last().asString().startsWith("INFO");

    open.set(0, start());
    assertThat(open.get(0).call().closed).isNull();
    start();
    start();
    assertThat(lines()).hasSize(3).last().asString().startsWith("WARN");
    assertThat(meters.counter("cairn.xds.streams.refused").count()).isEqualTo(7.0);
  }
}
