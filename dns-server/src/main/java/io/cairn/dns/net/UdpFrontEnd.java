package io.cairn.dns.net;

/** The UDP side of DNS: receive loops on one port, whichever way they receive. */
interface UdpFrontEnd extends AutoCloseable {
  /** The bound port (the one picked when port 0 was asked for). */
  int port();

  /** Stops the loops and closes the sockets; returns once the loops have ended. */
  @Override
  void close();
}
