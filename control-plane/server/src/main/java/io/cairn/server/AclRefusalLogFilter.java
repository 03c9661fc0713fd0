package io.cairn.server;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.turbo.TurboFilter;
import ch.qos.logback.core.spi.FilterReply;
import io.grpc.Status;
import java.util.Set;
import org.slf4j.Marker;

/**
 * Drops java-control-plane's ERROR with a stack trace for an xDS stream that Cairn refused on ACL
 * grounds. The refusal is expected, is already logged once at WARN by the xDS server with the node
 * and accessor, and counted in {@code cairn.xds.acl.denied}; other stream errors still log.
 */
public final class AclRefusalLogFilter extends TurboFilter {
  static final String LIBRARY_LOGGER = "io.envoyproxy.controlplane.server.DiscoveryServer";
  private static final Set<Status.Code> REFUSALS =
      Set.of(Status.Code.PERMISSION_DENIED, Status.Code.UNAUTHENTICATED);

  @Override
  public FilterReply decide(
      Marker marker, Logger logger, Level level, String format, Object[] params, Throwable t) {
    if (level != Level.ERROR || !LIBRARY_LOGGER.equals(logger.getName())) {
      return FilterReply.NEUTRAL;
    }
    return refusal(t) || (params != null && params.length > 0 && refusal(params[params.length - 1]))
        ? FilterReply.DENY
        : FilterReply.NEUTRAL;
  }

  private static boolean refusal(Object candidate) {
    return candidate instanceof Throwable thrown
        && REFUSALS.contains(Status.fromThrowable(thrown).getCode());
  }
}
