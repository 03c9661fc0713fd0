package io.cairn.admin.http;

/**
 * Limits that keep one client (or many) from exhausting the admin API.
 *
 * @param maxBlockingQueries blocking queries ({@code ?index=}) that may wait at once; more get 429
 *     at once instead of a waiting thread each
 * @param writesPerSecondPerClient sustained writes a client address may make per second; 0 means no
 *     limit
 * @param writeBurstPerClient writes a client may make at once before the rate applies
 * @param maxHeaderBytes largest request line and headers together; larger gets 400
 * @param maxConnections open client connections; more wait in the accept backlog
 */
public record HttpLimits(
    int maxBlockingQueries,
    double writesPerSecondPerClient,
    int writeBurstPerClient,
    int maxHeaderBytes,
    int maxConnections) {
  /** Generous enough for every test and benchmark; the server reads its own from settings. */
  public static final HttpLimits DEFAULT = new HttpLimits(10_000, 0, 0, 16_384, 10_000);

  public HttpLimits {
    if (maxConnections < 1) {
      throw new IllegalArgumentException("maxConnections must be positive");
    }
    if (maxHeaderBytes < 1024) {
      throw new IllegalArgumentException("maxHeaderBytes must be at least 1024");
    }
    if (maxBlockingQueries < 1) {
      throw new IllegalArgumentException("maxBlockingQueries must be positive");
    }
    if (writesPerSecondPerClient < 0 || writeBurstPerClient < 0) {
      throw new IllegalArgumentException("write rate and burst must not be negative");
    }
  }

  public boolean limitsWrites() {
    return writesPerSecondPerClient > 0;
  }
}
