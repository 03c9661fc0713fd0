package io.cairn.health;

import io.cairn.registry.model.TcpCheck;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.util.concurrent.TimeUnit;

/**
 * TCP checks: passing when a connection opens within the timeout (name lookup included), then
 * closed at once. A port that drops SYNs (a firewall, a full accept queue) times out.
 */
final class TcpProber {

  ProbeResult probe(TcpCheck check) {
    String what = "TCP connect " + check.host() + ":" + check.port();
    long deadline = System.nanoTime() + check.timeout().toNanos();
    try (Socket socket = new Socket()) {
      // A host name is resolved first; the connect gets what is left of the timeout, so a slow
      // lookup does not stretch the probe to twice its timeout.
      InetSocketAddress address = new InetSocketAddress(check.host(), check.port());
      long leftMillis = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
      if (leftMillis < 1) {
        throw new SocketTimeoutException("resolving " + check.host());
      }
      socket.connect(address, (int) Math.min(Integer.MAX_VALUE, leftMillis));
      return ProbeResult.passing(what + ": Success");
    } catch (SocketTimeoutException e) {
      return ProbeResult.critical(what + ": timed out after " + check.timeout().toMillis() + "ms");
    } catch (ConnectException e) {
      return ProbeResult.critical(what + ": connection refused");
    } catch (IOException | IllegalArgumentException e) {
      return ProbeResult.critical(what + ": " + HttpProber.describe(e));
    }
  }
}
