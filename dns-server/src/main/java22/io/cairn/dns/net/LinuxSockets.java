package io.cairn.dns.net;

import static java.lang.foreign.ValueLayout.ADDRESS;
import static java.lang.foreign.ValueLayout.JAVA_INT;
import static java.lang.foreign.ValueLayout.JAVA_LONG;

import java.io.IOException;
import java.lang.foreign.Arena;
import java.lang.foreign.FunctionDescriptor;
import java.lang.foreign.Linker;
import java.lang.foreign.MemoryLayout;
import java.lang.foreign.MemorySegment;
import java.lang.foreign.SymbolLookup;
import java.lang.foreign.ValueLayout;
import java.lang.invoke.MethodHandle;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.util.Locale;
import java.util.Optional;

/**
 * The few socket calls of Linux's C library that {@link BatchedUdpListener} needs, through the
 * Foreign Function & Memory API, with {@code errno} captured. Constants are those of Linux on
 * x86_64 and aarch64; elsewhere {@link #unavailable()} says why not.
 */
final class LinuxSockets {
  static final int RECEIVE_TIMEOUT_MILLIS = 200;
  private static final int SOCKET_BUFFER = 4 << 20;

  private static final int AF_INET = 2;
  private static final int AF_INET6 = 10;
  private static final int SOCK_DGRAM = 2;
  private static final int SOCK_CLOEXEC = 0x80000;
  private static final int SOL_SOCKET = 1;
  private static final int SO_SNDBUF = 7;
  private static final int SO_RCVBUF = 8;
  private static final int SO_REUSEPORT = 15;
  private static final int SO_RCVTIMEO = 20;
  private static final int MSG_WAITFORONE = 0x10000;
  private static final int EINTR = 4;
  private static final int EAGAIN = 11;
  private static final int EADDRINUSE = 98;
  private static final int EADDRNOTAVAIL = 99;
  private static final int SOCKADDR_IN = 16;
  private static final int SOCKADDR_IN6 = 28;
  private static final ValueLayout.OfShort PORT =
      ValueLayout.JAVA_SHORT_UNALIGNED.withOrder(ByteOrder.BIG_ENDIAN);

  private static final Optional<String> UNAVAILABLE;
  private static final LinuxSockets INSTANCE;

  static {
    Optional<String> why;
    LinuxSockets instance = null;
    try {
      instance = new LinuxSockets();
      instance.close(instance.socket(AF_INET));
      why = Optional.empty();
    } catch (IOException | RuntimeException | LinkageError e) {
      why = Optional.of(e.getMessage() == null ? e.toString() : e.getMessage());
      instance = null;
    }
    UNAVAILABLE = why;
    INSTANCE = instance;
  }

  private final MethodHandle socket;
  private final MethodHandle setsockopt;
  private final MethodHandle bind;
  private final MethodHandle getsockname;
  private final MethodHandle recvmmsg;
  private final MethodHandle sendmmsg;
  private final MethodHandle sendto;
  private final MethodHandle close;
  private final MethodHandle strerror;
  private final long errnoOffset;
  private final long callStateSize;

  private LinuxSockets() {
    String os = System.getProperty("os.name", "");
    String arch = System.getProperty("os.arch", "");
    if (!os.toLowerCase(Locale.ROOT).startsWith("linux")) {
      throw new UnsupportedOperationException("needs Linux, this is " + os);
    }
    if (!arch.equals("amd64") && !arch.equals("x86_64") && !arch.equals("aarch64")) {
      throw new UnsupportedOperationException("needs x86_64 or aarch64, this is " + arch);
    }
    Linker linker = Linker.nativeLinker();
    SymbolLookup libc = linker.defaultLookup();
    Linker.Option errno = Linker.Option.captureCallState("errno");
    MemoryLayout state = Linker.Option.captureStateLayout();
    errnoOffset = state.byteOffset(MemoryLayout.PathElement.groupElement("errno"));
    callStateSize = state.byteSize();
    socket =
        handle(
            linker,
            libc,
            "socket",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT),
            errno);
    setsockopt =
        handle(
            linker,
            libc,
            "setsockopt",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
            errno);
    bind =
        handle(
            linker,
            libc,
            "bind",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT),
            errno);
    getsockname =
        handle(
            linker,
            libc,
            "getsockname",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, ADDRESS),
            errno);
    recvmmsg =
        handle(
            linker,
            libc,
            "recvmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT, ADDRESS),
            errno);
    sendmmsg =
        handle(
            linker,
            libc,
            "sendmmsg",
            FunctionDescriptor.of(JAVA_INT, JAVA_INT, ADDRESS, JAVA_INT, JAVA_INT),
            errno);
    sendto =
        handle(
            linker,
            libc,
            "sendto",
            FunctionDescriptor.of(
                JAVA_LONG, JAVA_INT, ADDRESS, JAVA_LONG, JAVA_INT, ADDRESS, JAVA_INT),
            errno);
    close = handle(linker, libc, "close", FunctionDescriptor.of(JAVA_INT, JAVA_INT), errno);
    strerror =
        linker.downcallHandle(
            libc.find("strerror")
                .orElseThrow(() -> new UnsupportedOperationException("no strerror")),
            FunctionDescriptor.of(ADDRESS, JAVA_INT));
  }

  private static MethodHandle handle(
      Linker linker, SymbolLookup libc, String name, FunctionDescriptor f, Linker.Option errno) {
    MemorySegment symbol =
        libc.find(name).orElseThrow(() -> new UnsupportedOperationException("libc has no " + name));
    return linker.downcallHandle(symbol, f, errno);
  }

  /** Why these calls cannot be made here; empty when they can. */
  static Optional<String> unavailable() {
    return UNAVAILABLE;
  }

  /** The calls; only when {@link #unavailable()} is empty. */
  static LinuxSockets instance() {
    if (INSTANCE == null) {
      throw new IllegalStateException("batched UDP is unavailable: " + UNAVAILABLE.orElseThrow());
    }
    return INSTANCE;
  }

  /**
   * A UDP socket bound to {@code address}, with 4 MiB buffers, {@code SO_REUSEPORT} when {@code
   * reusePort}, and a receive timeout. Throws {@link BindException} when the address is taken or
   * not local.
   */
  int openUdp(InetSocketAddress address, boolean reusePort) throws IOException {
    InetAddress ip = address.getAddress();
    if (ip == null) {
      throw new IOException("cannot resolve " + address.getHostString());
    }
    int family = ip instanceof Inet4Address ? AF_INET : AF_INET6;
    int fd = socket(family);
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(callStateSize);
      setIntOption(arena, state, fd, SO_RCVBUF, SOCKET_BUFFER);
      setIntOption(arena, state, fd, SO_SNDBUF, SOCKET_BUFFER);
      if (reusePort) {
        setIntOption(arena, state, fd, SO_REUSEPORT, 1);
      }
      MemorySegment timeout = arena.allocate(16, 8); // struct timeval: seconds, microseconds
      timeout.set(JAVA_LONG, 0, RECEIVE_TIMEOUT_MILLIS / 1000);
      timeout.set(JAVA_LONG, 8, (RECEIVE_TIMEOUT_MILLIS % 1000) * 1000L);
      check(
          (int) setsockopt.invokeExact(state, fd, SOL_SOCKET, SO_RCVTIMEO, timeout, 16),
          state,
          "setsockopt(SO_RCVTIMEO)");
      MemorySegment sockaddr = sockaddr(arena, ip, address.getPort());
      int result = (int) bind.invokeExact(state, fd, sockaddr, (int) sockaddr.byteSize());
      if (result < 0) {
        int error = errno(state);
        String message = "bind " + address + ": " + describe(error);
        throw error == EADDRINUSE || error == EADDRNOTAVAIL
            ? new BindException(message)
            : new IOException(message);
      }
      return fd;
    } catch (IOException | RuntimeException | Error e) {
      close(fd);
      throw e;
    } catch (Throwable t) {
      close(fd);
      throw new IllegalStateException(t);
    }
  }

  /** The port {@code fd} is bound to. */
  int localPort(int fd) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(callStateSize);
      MemorySegment name = arena.allocate(Datagrams.SOCKADDR_STORAGE, 8);
      MemorySegment length = arena.allocate(JAVA_INT);
      length.set(JAVA_INT, 0, Datagrams.SOCKADDR_STORAGE);
      check((int) getsockname.invokeExact(state, fd, name, length), state, "getsockname");
      return Short.toUnsignedInt(name.get(PORT, 2));
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * Receives into {@code batch}: waits up to the receive timeout for one datagram, then takes the
   * ones already there. Returns how many; 0 when none came or a signal interrupted.
   */
  int receive(int fd, Datagrams batch) throws IOException {
    try {
      MemorySegment state = batch.callState();
      int n =
          (int)
              recvmmsg.invokeExact(
                  state,
                  fd,
                  batch.receiving(),
                  batch.capacity(),
                  MSG_WAITFORONE,
                  MemorySegment.NULL);
      if (n >= 0) {
        return n;
      }
      int error = errno(state);
      if (error == EINTR || error == EAGAIN) {
        return 0;
      }
      throw new IOException("recvmmsg: " + describe(error));
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * Sends replies {@code from} to {@code from + count} of {@code batch}; returns how many the
   * kernel took (at least one, or an exception about reply {@code from}).
   */
  int send(int fd, Datagrams batch, int from, int count) throws IOException {
    try {
      MemorySegment state = batch.callState();
      while (true) {
        int n = (int) sendmmsg.invokeExact(state, fd, batch.sending(from), count, 0);
        if (n > 0) {
          return n;
        }
        int error = n < 0 ? errno(state) : EAGAIN;
        if (error != EINTR && error != EAGAIN) {
          throw new IOException("sendmmsg: " + describe(error));
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Sends one datagram to {@code peer}, a {@code sockaddr} as received. */
  void sendOne(int fd, byte[] datagram, byte[] peer) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(callStateSize);
      MemorySegment data = arena.allocate(Math.max(1, datagram.length));
      MemorySegment.copy(datagram, 0, data, ValueLayout.JAVA_BYTE, 0, datagram.length);
      MemorySegment to = arena.allocate(peer.length, 8);
      MemorySegment.copy(peer, 0, to, ValueLayout.JAVA_BYTE, 0, peer.length);
      while (true) {
        long n =
            (long) sendto.invokeExact(state, fd, data, (long) datagram.length, 0, to, peer.length);
        if (n >= 0) {
          return;
        }
        int error = errno(state);
        if (error != EINTR && error != EAGAIN) {
          throw new IOException("sendto: " + describe(error));
        }
      }
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  /** Closes {@code fd}, once its loop has ended. */
  void close(int fd) {
    try (Arena arena = Arena.ofConfined()) {
      int unused = (int) close.invokeExact(arena.allocate(callStateSize), fd);
    } catch (RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private int socket(int family) throws IOException {
    try (Arena arena = Arena.ofConfined()) {
      MemorySegment state = arena.allocate(callStateSize);
      int fd = (int) socket.invokeExact(state, family, SOCK_DGRAM | SOCK_CLOEXEC, 0);
      return check(fd, state, "socket");
    } catch (IOException | RuntimeException | Error e) {
      throw e;
    } catch (Throwable t) {
      throw new IllegalStateException(t);
    }
  }

  private void setIntOption(Arena arena, MemorySegment state, int fd, int option, int value)
      throws Throwable {
    MemorySegment v = arena.allocate(JAVA_INT);
    v.set(JAVA_INT, 0, value);
    check((int) setsockopt.invokeExact(state, fd, SOL_SOCKET, option, v, 4), state, "setsockopt");
  }

  private static MemorySegment sockaddr(Arena arena, InetAddress ip, int port) {
    byte[] bytes = ip.getAddress();
    if (ip instanceof Inet4Address) {
      MemorySegment s = arena.allocate(SOCKADDR_IN, 8);
      s.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET);
      s.set(PORT, 2, (short) port);
      MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 4, 4);
      return s;
    }
    MemorySegment s = arena.allocate(SOCKADDR_IN6, 8);
    s.set(ValueLayout.JAVA_SHORT, 0, (short) AF_INET6);
    s.set(PORT, 2, (short) port);
    MemorySegment.copy(bytes, 0, s, ValueLayout.JAVA_BYTE, 8, 16);
    s.set(JAVA_INT, 24, ((java.net.Inet6Address) ip).getScopeId());
    return s;
  }

  private int check(int result, MemorySegment state, String call) throws IOException {
    if (result < 0) {
      throw new IOException(call + ": " + describe(errno(state)));
    }
    return result;
  }

  private int errno(MemorySegment state) {
    return state.get(JAVA_INT, errnoOffset);
  }

  private String describe(int errno) {
    try {
      MemorySegment text = (MemorySegment) strerror.invokeExact(errno);
      return text.reinterpret(256).getString(0) + " (errno " + errno + ")";
    } catch (Throwable t) {
      return "errno " + errno;
    }
  }
}
