package io.cairn.xds.server;

import com.google.protobuf.util.Durations;
import io.envoyproxy.envoy.service.load_stats.v3.LoadReportingServiceGrpc;
import io.envoyproxy.envoy.service.load_stats.v3.LoadStatsRequest;
import io.envoyproxy.envoy.service.load_stats.v3.LoadStatsResponse;
import io.grpc.stub.StreamObserver;

/**
 * A load reporting service (LRS) that asks for no reports. Proxyless clusters with a request limit
 * name it as their {@code lrs_server}, because grpc-java counts calls in flight, which its circuit
 * breaker needs, only for clusters that report load. Cairn keeps no load data.
 */
final class NoLoadReports extends LoadReportingServiceGrpc.LoadReportingServiceImplBase {
  /** How often clients would report; nothing is asked for, so this only spaces their empty ones. */
  private static final long INTERVAL_SECONDS = 3600;

  @Override
  public StreamObserver<LoadStatsRequest> streamLoadStats(
      StreamObserver<LoadStatsResponse> responses) {
    return new StreamObserver<>() {
      // A stream's requests arrive one at a time.
      private boolean answered;

      @Override
      public void onNext(LoadStatsRequest request) {
        if (!answered) {
          answered = true;
          responses.onNext(
              LoadStatsResponse.newBuilder()
                  .setLoadReportingInterval(Durations.fromSeconds(INTERVAL_SECONDS))
                  .build());
        }
      }

      @Override
      public void onError(Throwable t) {}

      @Override
      public void onCompleted() {
        responses.onCompleted();
      }
    };
  }
}
