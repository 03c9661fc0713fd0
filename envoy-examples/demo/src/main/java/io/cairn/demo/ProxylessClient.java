package io.cairn.demo;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Calls {@code demo.Who/Am} over a channel (in the demo, {@code xds:///api} resolved by grpc-java
 * from Cairn) and counts who answered. Calls wait for the channel to be ready, so the first one
 * also waits for the xDS resources to arrive.
 */
final class ProxylessClient {
  private final Channel channel;
  private final Duration firstCallDeadline;

  ProxylessClient(Channel channel, Duration firstCallDeadline) {
    this.channel = channel;
    this.firstCallDeadline = firstCallDeadline;
  }

  Tally run(int calls) {
    Map<String, Integer> replies = new HashMap<>();
    Map<String, Integer> failures = new HashMap<>();
    long start = System.nanoTime();
    Duration first = Duration.ZERO;
    for (int i = 0; i < calls; i++) {
      Duration deadline = i == 0 ? firstCallDeadline : Duration.ofSeconds(5);
      try {
        String reply =
            ClientCalls.blockingUnaryCall(
                channel,
                Who.AM,
                CallOptions.DEFAULT
                    .withWaitForReady()
                    .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS),
                "who?");
        replies.merge(reply, 1, Integer::sum);
      } catch (StatusRuntimeException e) {
        failures.merge(failure(e.getStatus()), 1, Integer::sum);
      }
      if (i == 0) {
        first = Duration.ofNanos(System.nanoTime() - start);
      }
    }
    return new Tally(replies, failures, first, Duration.ofNanos(System.nanoTime() - start));
  }

  /**
   * A failed call's status code; for UNAVAILABLE also its description, which is where grpc-java
   * says why xDS resolution failed (for example the control plane's {@code UNAUTHENTICATED: ACL not
   * found}). Other descriptions vary per call (deadlines), so they would split the count.
   */
  static String failure(Status status) {
    return status.getCode() == Status.Code.UNAVAILABLE && status.getDescription() != null
        ? "UNAVAILABLE (" + status.getDescription() + ")"
        : status.getCode().toString();
  }
}
