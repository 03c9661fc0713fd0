package io.cairn.benchmarks;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/**
 * One kept-alive HTTP/1.1 connection on a blocking socket, one request at a time. A load driver on
 * the same two cores as the servers must cost little: java.net.http used about 1.5 cores for 2,800
 * registrations/s in the http benchmark, this a small fraction of that. Reconnects when the server
 * closes the connection. Not thread-safe: one per writer thread.
 */
final class Http1Connection implements AutoCloseable {
  /** A response: its status, headers (names in lower case) and body. */
  record Response(int status, Map<String, String> headers, byte[] body) {
    Response {
      headers = Map.copyOf(headers);
    }

    String text() {
      return new String(body, StandardCharsets.UTF_8);
    }

    /** The value of header {@code name} (any case), if present. */
    Optional<String> header(String name) {
      return Optional.ofNullable(headers.get(name.toLowerCase(Locale.ROOT)));
    }
  }

  private final InetSocketAddress address;
  private final byte[] hostHeader;
  private Socket socket;
  private InputStream in;
  private OutputStream out;

  Http1Connection(InetSocketAddress address) {
    this.address = address;
    this.hostHeader =
        ("Host: " + address.getHostString() + ":" + address.getPort() + "\r\n")
            .getBytes(StandardCharsets.US_ASCII);
  }

  /** Sends {@code method target} with a JSON body (none if empty) and reads the whole response. */
  Response exchange(String method, String target, byte[] body) throws IOException {
    if (socket == null) {
      connect();
    }
    try {
      return send(method, target, body);
    } catch (IOException e) {
      // A kept-alive connection the server closed in between: one retry on a fresh one (the
      // benchmarks' requests are idempotent: registrations by id, reads).
      close();
      connect();
      return send(method, target, body);
    }
  }

  private Response send(String method, String target, byte[] body) throws IOException {
    out.write((method + " " + target + " HTTP/1.1\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(hostHeader);
    if (body.length > 0) {
      out.write(
          ("Content-Type: application/json\r\nContent-Length: " + body.length + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.write(body);
    } else {
      out.write("Content-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
    }
    out.flush();
    return read();
  }

  private Response read() throws IOException {
    String status = line();
    if (!status.startsWith("HTTP/1.")) {
      throw new IOException("not an HTTP response: " + status);
    }
    int code = Integer.parseInt(status.substring(9, 12));
    long length = -1;
    boolean chunked = false;
    boolean closeAfter = false;
    Map<String, String> headers = new HashMap<>();
    for (String h = line(); !h.isEmpty(); h = line()) {
      int colon = h.indexOf(':');
      String name = h.substring(0, colon).strip().toLowerCase(Locale.ROOT);
      String value = h.substring(colon + 1).strip();
      headers.put(name, value);
      switch (name) {
        case "content-length" -> length = Long.parseLong(value);
        case "transfer-encoding" -> chunked = value.equalsIgnoreCase("chunked");
        case "connection" -> closeAfter = value.equalsIgnoreCase("close");
        default -> {}
      }
    }
    byte[] body;
    if (chunked) {
      ByteArrayOutputStream all = new ByteArrayOutputStream();
      for (int size = chunkSize(); size > 0; size = chunkSize()) {
        all.write(in.readNBytes(size));
        line();
      }
      while (!line().isEmpty()) {
        // trailers
      }
      body = all.toByteArray();
    } else if (length >= 0) {
      body = in.readNBytes((int) length);
    } else {
      body = in.readAllBytes();
      closeAfter = true;
    }
    if (closeAfter) {
      close();
    }
    return new Response(code, headers, body);
  }

  private int chunkSize() throws IOException {
    String l = line();
    int semicolon = l.indexOf(';');
    return Integer.parseInt((semicolon < 0 ? l : l.substring(0, semicolon)).strip(), 16);
  }

  private String line() throws IOException {
    StringBuilder s = new StringBuilder(64);
    while (true) {
      int b = in.read();
      if (b < 0) {
        throw new EOFException("connection closed by " + address);
      }
      if (b == '\n') {
        int end = s.length();
        if (end > 0 && s.charAt(end - 1) == '\r') {
          s.setLength(end - 1);
        }
        return s.toString();
      }
      s.append((char) b);
    }
  }

  private void connect() throws IOException {
    Socket s = new Socket();
    s.setTcpNoDelay(true);
    s.connect(address, 5_000);
    s.setSoTimeout(60_000);
    socket = s;
    in = new BufferedInputStream(s.getInputStream(), 16 << 10);
    out = new BufferedOutputStream(s.getOutputStream(), 4 << 10);
  }

  @Override
  public void close() {
    if (socket != null) {
      try {
        socket.close();
      } catch (IOException e) {
        // closing anyway
      }
      socket = null;
    }
  }
}
