package io.cairn.health;

import io.cairn.registry.model.GrpcCheck;
import io.grpc.ChannelCredentials;
import io.grpc.ConnectivityState;
import io.grpc.Grpc;
import io.grpc.InsecureChannelCredentials;
import io.grpc.ManagedChannel;
import io.grpc.StatusRuntimeException;
import io.grpc.TlsChannelCredentials;
import io.grpc.health.v1.HealthCheckRequest;
import io.grpc.health.v1.HealthCheckResponse;
import io.grpc.health.v1.HealthGrpc;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * gRPC checks over the standard health protocol ({@code grpc.health.v1.Health/Check}): SERVING is
 * passing, anything else or a failed call critical. One channel per target, shared by every check
 * of that target and closed when the last of them goes.
 */
final class GrpcProber {
  private record Target(String host, int port, boolean tls, boolean skipVerify) {
    static Target of(GrpcCheck check) {
      return new Target(check.host(), check.port(), check.useTls(), check.tlsSkipVerify());
    }
  }

  private static final class Channel {
    final ManagedChannel channel;
    int users;

    Channel(ManagedChannel channel) {
      this.channel = channel;
    }
  }

  private final Map<Target, Channel> channels = new HashMap<>();

  ProbeResult probe(GrpcCheck check) {
    String what =
        "gRPC check "
            + check.host()
            + ":"
            + check.port()
            + (check.service().isEmpty() ? "" : "/" + check.service());
    ManagedChannel channel = channel(Target.of(check));
    // A channel that failed to connect waits out an exponential backoff (up to minutes) before it
    // tries again; a check must see a server that came back at its next interval.
    if (channel.getState(false) == ConnectivityState.TRANSIENT_FAILURE) {
      channel.resetConnectBackoff();
    }
    try {
      HealthCheckResponse response =
          HealthGrpc.newBlockingStub(channel)
              .withDeadlineAfter(check.timeout().toNanos(), TimeUnit.NANOSECONDS)
              .check(HealthCheckRequest.newBuilder().setService(check.service()).build());
      if (response.getStatus() == HealthCheckResponse.ServingStatus.SERVING) {
        return ProbeResult.passing(what + ": success");
      }
      return ProbeResult.critical(what + ": status " + response.getStatus());
    } catch (StatusRuntimeException e) {
      String description = e.getStatus().getDescription();
      return ProbeResult.critical(
          what
              + ": "
              + e.getStatus().getCode()
              + (description == null || description.isEmpty() ? "" : " " + description));
    }
  }

  synchronized void track(GrpcCheck check) {
    channels.computeIfAbsent(Target.of(check), GrpcProber::open).users++;
  }

  synchronized void forget(GrpcCheck check) {
    Target target = Target.of(check);
    Channel c = channels.get(target);
    if (c != null && --c.users <= 0) {
      channels.remove(target);
      c.channel.shutdownNow();
    }
  }

  private synchronized ManagedChannel channel(Target target) {
    return channels.computeIfAbsent(target, GrpcProber::open).channel;
  }

  private static Channel open(Target target) {
    ChannelCredentials credentials;
    if (!target.tls()) {
      credentials = InsecureChannelCredentials.create();
    } else if (target.skipVerify()) {
      credentials = TlsChannelCredentials.newBuilder().trustManager(InsecureTrust.INSTANCE).build();
    } else {
      credentials = TlsChannelCredentials.create();
    }
    return new Channel(
        Grpc.newChannelBuilderForAddress(target.host(), target.port(), credentials).build());
  }

  synchronized void close() {
    channels.values().forEach(c -> c.channel.shutdownNow());
    channels.clear();
  }
}
