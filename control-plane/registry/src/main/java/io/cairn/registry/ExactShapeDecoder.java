package io.cairn.registry;

import static io.cairn.registry.JsonCursor.fieldName;

import io.cairn.registry.model.CheckDefinition;
import io.cairn.registry.model.CheckThresholds;
import io.cairn.registry.model.ConnectProxy;
import io.cairn.registry.model.GrpcCheck;
import io.cairn.registry.model.HealthCheck;
import io.cairn.registry.model.HealthStatus;
import io.cairn.registry.model.HttpCheck;
import io.cairn.registry.model.Locality;
import io.cairn.registry.model.ServiceInstance;
import io.cairn.registry.model.ServiceKind;
import io.cairn.registry.model.TcpCheck;
import io.cairn.registry.model.TtlCheck;
import io.cairn.registry.model.Upstream;
import io.cairn.registry.model.Weights;
import java.net.URI;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads the two most numerous records, instances and checks, straight from their stored bytes, for
 * a restore that is not dominated by general-purpose JSON binding. It reads exactly the shape
 * {@link RecordCodec} writes: every field, in the order written, no whitespace. Anything else (data
 * from an older or newer Cairn, a record edited by hand, a string with non-ASCII characters) throws
 * {@link JsonCursor#UNEXPECTED} and {@link RecordCodec} reads the record with Jackson, which stays
 * the reference. Values are built through the model's constructors, validation included.
 *
 * <p>Strings that repeat across records (service and check names, tags, metadata) are kept once.
 * Not thread-safe: one instance serves one restore.
 */
final class ExactShapeDecoder {
  private static final byte[] ID = fieldName("id");
  private static final byte[] NAME = fieldName("name");
  private static final byte[] TAGS = fieldName("tags");
  private static final byte[] ADDRESS = fieldName("address");
  private static final byte[] PORT = fieldName("port");
  private static final byte[] META = fieldName("meta");
  private static final byte[] WEIGHTS = fieldName("weights");
  private static final byte[] PASSING = fieldName("passing");
  private static final byte[] WARNING = fieldName("warning");
  private static final byte[] LOCALITY = fieldName("locality");
  private static final byte[] REGION = fieldName("region");
  private static final byte[] ZONE = fieldName("zone");
  private static final byte[] KIND = fieldName("kind");
  private static final byte[] TYPE = fieldName("@type");
  private static final byte[] DESTINATION_SERVICE_NAME = fieldName("destinationServiceName");
  private static final byte[] DESTINATION_SERVICE_ID = fieldName("destinationServiceId");
  private static final byte[] LOCAL_SERVICE_ADDRESS = fieldName("localServiceAddress");
  private static final byte[] LOCAL_SERVICE_PORT = fieldName("localServicePort");
  private static final byte[] UPSTREAMS = fieldName("upstreams");
  private static final byte[] DESTINATION_NAME = fieldName("destinationName");
  private static final byte[] LOCAL_BIND_ADDRESS = fieldName("localBindAddress");
  private static final byte[] LOCAL_BIND_PORT = fieldName("localBindPort");

  private static final byte[] SERVICE_ID = fieldName("serviceId");
  private static final byte[] DEFINITION = fieldName("definition");
  private static final byte[] STATUS = fieldName("status");
  private static final byte[] OUTPUT = fieldName("output");
  private static final byte[] NOTES = fieldName("notes");
  private static final byte[] THRESHOLDS = fieldName("thresholds");
  private static final byte[] SUCCESS_BEFORE_PASSING = fieldName("successBeforePassing");
  private static final byte[] FAILURES_BEFORE_WARNING = fieldName("failuresBeforeWarning");
  private static final byte[] FAILURES_BEFORE_CRITICAL = fieldName("failuresBeforeCritical");
  private static final byte[] DEREGISTER_CRITICAL_AFTER = fieldName("deregisterCriticalAfter");
  private static final byte[] TTL = fieldName("ttl");
  private static final byte[] HOST = fieldName("host");
  private static final byte[] SERVICE = fieldName("service");
  private static final byte[] USE_TLS = fieldName("useTls");
  private static final byte[] TLS_SKIP_VERIFY = fieldName("tlsSkipVerify");
  private static final byte[] INTERVAL = fieldName("interval");
  private static final byte[] TIMEOUT = fieldName("timeout");
  private static final byte[] URL = fieldName("url");
  private static final byte[] METHOD = fieldName("method");
  private static final byte[] HEADERS = fieldName("headers");
  private static final byte[] BODY = fieldName("body");

  private final SharedStrings shared = new SharedStrings();
  private TtlCheck lastTtl;
  private String lastInstanceId = "";

  /** The instance stored as {@code json} under {@code key} (its id). */
  ServiceInstance instance(String key, byte[] json) {
    JsonCursor c = new JsonCursor(json);
    c.expect('{');
    c.field(ID);
    String id = c.string(key);
    lastInstanceId = id;
    c.expect(',');
    c.field(NAME);
    String name = c.string(shared);
    c.expect(',');
    c.field(TAGS);
    List<String> tags = strings(c);
    c.expect(',');
    c.field(ADDRESS);
    String address = c.string();
    c.expect(',');
    c.field(PORT);
    int port = c.intValue();
    c.expect(',');
    c.field(META);
    Map<String, String> meta = meta(c);
    c.expect(',');
    c.field(WEIGHTS);
    Weights weights = weights(c);
    c.expect(',');
    c.field(LOCALITY);
    Optional<Locality> locality = c.consumeNull() ? Optional.empty() : Optional.of(locality(c));
    c.expect(',');
    c.field(KIND);
    ServiceKind kind = kind(c);
    c.expect('}');
    c.end();
    return new ServiceInstance(id, name, tags, address, port, meta, weights, locality, kind);
  }

  /** The check stored as {@code json} under {@code key} (its id). */
  HealthCheck check(String key, byte[] json) {
    JsonCursor c = new JsonCursor(json);
    c.expect('{');
    c.field(ID);
    String id = c.string(key);
    c.expect(',');
    c.field(NAME);
    String name = c.string(shared);
    c.expect(',');
    c.field(SERVICE_ID);
    // An instance's checks are usually stored right after it: then they share its id string.
    String serviceId = c.string(lastInstanceId);
    c.expect(',');
    c.field(DEFINITION);
    CheckDefinition definition = definition(c);
    c.expect(',');
    c.field(STATUS);
    HealthStatus status = HealthStatus.valueOf(c.string(shared));
    c.expect(',');
    c.field(OUTPUT);
    String output = c.string(shared);
    c.expect(',');
    c.field(NOTES);
    String notes = c.string(shared);
    c.expect(',');
    c.field(THRESHOLDS);
    CheckThresholds thresholds = thresholds(c);
    c.expect(',');
    c.field(DEREGISTER_CRITICAL_AFTER);
    Optional<Duration> deregister =
        c.consumeNull() ? Optional.empty() : Optional.of(Duration.ofNanos(c.longValue()));
    c.expect('}');
    c.end();
    return new HealthCheck(
        id, name, serviceId, definition, status, output, notes, thresholds, deregister);
  }

  private List<String> strings(JsonCursor c) {
    c.expect('[');
    if (c.consume(']')) {
      return List.of();
    }
    List<String> values = new ArrayList<>(4);
    do {
      values.add(c.string(shared));
    } while (c.consume(','));
    c.expect(']');
    return values;
  }

  private Map<String, String> meta(JsonCursor c) {
    c.expect('{');
    if (c.consume('}')) {
      return Map.of();
    }
    List<Map.Entry<String, String>> pairs = new ArrayList<>(4);
    do {
      String key = c.string(shared);
      c.expect(':');
      pairs.add(Map.entry(key, c.string(shared)));
    } while (c.consume(','));
    c.expect('}');
    // Map.ofEntries throws on a key written twice, leaving that record to Jackson.
    @SuppressWarnings("unchecked")
    Map.Entry<String, String>[] entries = pairs.toArray(new Map.Entry[0]);
    return Map.ofEntries(entries);
  }

  private static Weights weights(JsonCursor c) {
    c.expect('{');
    c.field(PASSING);
    int passing = c.intValue();
    c.expect(',');
    c.field(WARNING);
    int warning = c.intValue();
    c.expect('}');
    return passing == Weights.DEFAULT.passing() && warning == Weights.DEFAULT.warning()
        ? Weights.DEFAULT
        : new Weights(passing, warning);
  }

  private Locality locality(JsonCursor c) {
    c.expect('{');
    c.field(REGION);
    String region = c.string(shared);
    c.expect(',');
    c.field(ZONE);
    String zone = c.string(shared);
    c.expect('}');
    return new Locality(region, zone);
  }

  private ServiceKind kind(JsonCursor c) {
    c.expect('{');
    c.field(TYPE);
    String type = c.string(shared);
    switch (type) {
      case "plain" -> {
        c.expect('}');
        return ServiceKind.PLAIN;
      }
      case "connect-native" -> {
        c.expect('}');
        return ServiceKind.NATIVE;
      }
      case "connect-proxy" -> {
        c.expect(',');
        c.field(DESTINATION_SERVICE_NAME);
        String destination = c.string(shared);
        c.expect(',');
        c.field(DESTINATION_SERVICE_ID);
        Optional<String> destinationId =
            c.consumeNull() ? Optional.empty() : Optional.of(c.string());
        c.expect(',');
        c.field(LOCAL_SERVICE_ADDRESS);
        String localAddress = c.string(shared);
        c.expect(',');
        c.field(LOCAL_SERVICE_PORT);
        int localPort = c.intValue();
        c.expect(',');
        c.field(UPSTREAMS);
        List<Upstream> upstreams = upstreams(c);
        c.expect('}');
        return new ConnectProxy(destination, destinationId, localAddress, localPort, upstreams);
      }
      default -> throw JsonCursor.UNEXPECTED;
    }
  }

  private List<Upstream> upstreams(JsonCursor c) {
    c.expect('[');
    if (c.consume(']')) {
      return List.of();
    }
    List<Upstream> upstreams = new ArrayList<>(4);
    do {
      c.expect('{');
      c.field(DESTINATION_NAME);
      String destination = c.string(shared);
      c.expect(',');
      c.field(LOCAL_BIND_ADDRESS);
      String address = c.string(shared);
      c.expect(',');
      c.field(LOCAL_BIND_PORT);
      int port = c.intValue();
      c.expect('}');
      upstreams.add(new Upstream(destination, address, port));
    } while (c.consume(','));
    c.expect(']');
    return upstreams;
  }

  private CheckDefinition definition(JsonCursor c) {
    c.expect('{');
    c.field(TYPE);
    String type = c.string(shared);
    CheckDefinition definition =
        switch (type) {
          case "ttl" -> {
            c.expect(',');
            c.field(TTL);
            long nanos = c.longValue();
            // Most TTL checks share a few TTLs: keep one definition for each run of equal ones.
            if (lastTtl == null || lastTtl.ttl().toNanos() != nanos) {
              lastTtl = new TtlCheck(Duration.ofNanos(nanos));
            }
            yield lastTtl;
          }
          case "tcp" -> {
            String host = host(c);
            int port = port(c);
            yield new TcpCheck(host, port, interval(c), timeout(c));
          }
          case "grpc" -> {
            String host = host(c);
            int port = port(c);
            c.expect(',');
            c.field(SERVICE);
            String service = c.string(shared);
            c.expect(',');
            c.field(USE_TLS);
            boolean useTls = c.bool();
            boolean skipVerify = skipVerify(c);
            yield new GrpcCheck(host, port, service, useTls, skipVerify, interval(c), timeout(c));
          }
          case "http" -> http(c);
          default -> throw JsonCursor.UNEXPECTED;
        };
    c.expect('}');
    return definition;
  }

  private HttpCheck http(JsonCursor c) {
    c.expect(',');
    c.field(URL);
    URI url = URI.create(c.string());
    c.expect(',');
    c.field(METHOD);
    String method = c.string(shared);
    c.expect(',');
    c.field(HEADERS);
    Map<String, List<String>> headers = new LinkedHashMap<>();
    c.expect('{');
    if (!c.consume('}')) {
      do {
        String header = c.string(shared);
        c.expect(':');
        headers.put(header, strings(c));
      } while (c.consume(','));
      c.expect('}');
    }
    c.expect(',');
    c.field(BODY);
    String body = c.string();
    boolean skipVerify = skipVerify(c);
    return new HttpCheck(url, method, headers, body, skipVerify, interval(c), timeout(c));
  }

  private String host(JsonCursor c) {
    c.expect(',');
    c.field(HOST);
    return c.string(shared);
  }

  private static int port(JsonCursor c) {
    c.expect(',');
    c.field(PORT);
    return c.intValue();
  }

  private static boolean skipVerify(JsonCursor c) {
    c.expect(',');
    c.field(TLS_SKIP_VERIFY);
    return c.bool();
  }

  private static Duration interval(JsonCursor c) {
    c.expect(',');
    c.field(INTERVAL);
    return duration(c);
  }

  private static Duration timeout(JsonCursor c) {
    c.expect(',');
    c.field(TIMEOUT);
    return duration(c);
  }

  private static Duration duration(JsonCursor c) {
    return Duration.ofNanos(c.longValue());
  }

  private static CheckThresholds thresholds(JsonCursor c) {
    c.expect('{');
    c.field(SUCCESS_BEFORE_PASSING);
    int success = c.intValue();
    c.expect(',');
    c.field(FAILURES_BEFORE_WARNING);
    int warning = c.intValue();
    c.expect(',');
    c.field(FAILURES_BEFORE_CRITICAL);
    int critical = c.intValue();
    c.expect('}');
    return success == 0 && warning == 0 && critical == 0
        ? CheckThresholds.IMMEDIATE
        : new CheckThresholds(success, warning, critical);
  }
}
