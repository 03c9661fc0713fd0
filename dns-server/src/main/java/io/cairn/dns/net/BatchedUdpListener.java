package io.cairn.dns.net;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.Optional;

/**
 * DNS over UDP with Linux's {@code recvmmsg}/{@code sendmmsg}, many datagrams per system call. This
 * is the stand-in for Java 21, which cannot make the calls: it is never available, so {@link
 * UdpListener} serves. The real one is in {@code src/main/java22}, in the jar's {@code
 * META-INF/versions/22}, and is what Java 22 and later load.
 */
final class BatchedUdpListener implements UdpFrontEnd {
  private BatchedUdpListener() {}

  /** Why batching cannot be used here; empty when it can. */
  static Optional<String> unavailable() {
    return Optional.of("needs Java 22 or later");
  }

  /** Never called: {@link #unavailable()} is never empty. */
  static BatchedUdpListener start(InetSocketAddress address, int workers, Answerer answerer)
      throws IOException {
    throw new IOException("batched UDP " + unavailable().orElseThrow());
  }

  @Override
  public int port() {
    throw new IllegalStateException("not started");
  }

  @Override
  public void close() {}
}
