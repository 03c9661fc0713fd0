package io.cairn.health;

import io.cairn.registry.model.GrpcCheck;
import io.cairn.registry.model.HttpCheck;
import io.cairn.registry.model.ProbeCheck;
import io.cairn.registry.model.TcpCheck;

/** The real prober: HTTP, TCP and gRPC over the network. */
public final class NetworkProber implements Prober {
  private final HttpProber http = new HttpProber();
  private final TcpProber tcp = new TcpProber();
  private final GrpcProber grpc = new GrpcProber();

  @Override
  public ProbeResult probe(ProbeCheck check) {
    return switch (check) {
      case HttpCheck c -> http.probe(c);
      case TcpCheck c -> tcp.probe(c);
      case GrpcCheck c -> grpc.probe(c);
    };
  }

  @Override
  public void track(ProbeCheck check) {
    if (check instanceof GrpcCheck c) {
      grpc.track(c);
    }
  }

  @Override
  public void forget(ProbeCheck check) {
    if (check instanceof GrpcCheck c) {
      grpc.forget(c);
    }
  }

  @Override
  public void close() {
    http.close();
    grpc.close();
  }
}
