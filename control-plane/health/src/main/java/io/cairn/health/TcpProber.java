package io.cairn.health;

import io.cairn.registry.model.TcpCheck;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;

/** TCP checks: passing when a connection opens within the timeout, then closed at once. */
final class TcpProber {

  ProbeResult probe(TcpCheck check) {
    String what = "TCP connect " + check.host() + ":" + check.port();
    try (Socket socket = new Socket()) {
      socket.connect(
          new InetSocketAddress(check.host(), check.port()),
          (int) Math.min(Integer.MAX_VALUE, Math.max(1, check.timeout().toMillis())));
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
