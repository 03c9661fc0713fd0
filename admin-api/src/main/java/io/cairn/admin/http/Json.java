package io.cairn.admin.http;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.SerializationFeature;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.datatype.jdk8.Jdk8Module;
import io.helidon.http.HeaderNames;
import io.helidon.http.HeaderValues;
import io.helidon.webserver.http.ServerRequest;
import io.helidon.webserver.http.ServerResponse;
import java.io.IOException;

/** Reading request bodies and writing JSON responses, with one shared mapper. */
public final class Json {
  /** Responses omit empty optionals, as Consul omits its {@code omitempty} fields. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .addModule(new Jdk8Module())
          .serializationInclusion(JsonInclude.Include.NON_ABSENT)
          .disable(SerializationFeature.FAIL_ON_EMPTY_BEANS)
          .build();

  private Json() {}

  /** The request body as a JSON tree; 400 with the parser's message if it is not JSON. */
  public static JsonNode body(ServerRequest request) {
    if (!request.content().hasEntity()) {
      throw ApiException.badRequest("request body is empty; a JSON object is expected");
    }
    return tree(read(request));
  }

  /** {@code bytes} as a JSON tree; 400 with the parser's message if they are not JSON. */
  public static JsonNode tree(byte[] bytes) {
    try {
      JsonNode node = MAPPER.readTree(bytes);
      if (node == null || node.isMissingNode()) {
        throw ApiException.badRequest("request body is empty; a JSON object is expected");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw ApiException.badRequest("request body is not valid JSON: " + e.getOriginalMessage());
    } catch (IOException e) {
      // e.g. CharConversionException: leading NULs make Jackson guess UTF-32, then fail.
      throw ApiException.badRequest("request body is not valid JSON: " + e.getMessage());
    }
  }

  private static byte[] read(ServerRequest request) {
    var limit = request.context().get(BodyLimit.class);
    return rawBody(
        request,
        limit.map(BodyLimit::maxBytes).orElse(Long.MAX_VALUE),
        size -> limit.orElseThrow().tooLarge(size));
  }

  /**
   * The request body as bytes, for endpoints that take more than JSON (KV values). More than {@code
   * max} bytes is answered with {@code tooLarge} of the size seen; an empty body is empty.
   */
  public static byte[] rawBody(
      ServerRequest request, long max, java.util.function.LongFunction<ApiException> tooLarge) {
    if (!request.content().hasEntity()) {
      return new byte[0];
    }
    var declared = request.headers().contentLength();
    if (declared.isPresent() && declared.getAsLong() > max) {
      throw tooLarge.apply(declared.getAsLong());
    }
    try (java.io.InputStream in = request.content().inputStream()) {
      if (declared.isPresent()) {
        // Exactly the declared size: one array, no growing copies.
        byte[] exact = new byte[(int) declared.getAsLong()];
        int n = in.readNBytes(exact, 0, exact.length);
        return n == exact.length ? exact : java.util.Arrays.copyOf(exact, n);
      }
      byte[] bytes = in.readNBytes((int) Math.min(Integer.MAX_VALUE - 8, max + 1));
      if (bytes.length > max) {
        throw tooLarge.apply(bytes.length);
      }
      return bytes;
    } catch (IOException e) {
      throw ApiException.badRequest("cannot read request body: " + e.getMessage());
    } catch (ApiException e) {
      throw e; // the body is over the limit
    } catch (RuntimeException e) {
      // Helidon reports bad framing unchecked: NumberFormatException for a chunk-size line,
      // IncorrectNewLineException for a bare CR, InsufficientDataAvailableException for a body
      // cut short of its Content-Length. The client sent it, so it is a 400, not a 500.
      throw ApiException.badRequest(
          "cannot read request body: malformed or truncated ("
              + e.getClass().getSimpleName()
              + ")");
    }
  }

  public static byte[] bytes(Object value) {
    try {
      return MAPPER.writeValueAsBytes(value);
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("cannot encode response: " + e.getMessage(), e);
    }
  }

  /** Sends {@code value} as JSON with status 200. */
  public static void send(ServerResponse response, Object value) {
    sendBytes(response, bytes(value));
  }

  public static void sendBytes(ServerResponse response, byte[] json) {
    response.header(HeaderValues.CONTENT_TYPE_JSON);
    response.send(json);
  }

  /** Whether the client sent {@code ?pretty}; pretty output is for people, so it is slower. */
  public static boolean pretty(ServerRequest request) {
    return request.query().contains("pretty");
  }

  static final io.helidon.http.HeaderName CONSUL_INDEX = HeaderNames.create("X-Consul-Index");
}
