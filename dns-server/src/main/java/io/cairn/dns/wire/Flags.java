package io.cairn.dns.wire;

/** Bits of the header's flags word (RFC 1035 section 4.1.1) and the opcodes and rcodes used. */
public final class Flags {
  public static final int QR = 0x8000;
  public static final int AA = 0x0400;
  public static final int TC = 0x0200;
  public static final int RD = 0x0100;
  public static final int RA = 0x0080;
  public static final int OPCODE_MASK = 0x7800;
  public static final int OPCODE_QUERY = 0;

  private Flags() {}

  /** The opcode of a flags word. */
  public static int opcode(int flags) {
    return (flags & OPCODE_MASK) >>> 11;
  }
}
