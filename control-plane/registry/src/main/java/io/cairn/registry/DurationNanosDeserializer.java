package io.cairn.registry;

import com.fasterxml.jackson.core.JsonParser;
import com.fasterxml.jackson.core.JsonToken;
import com.fasterxml.jackson.databind.DeserializationContext;
import com.fasterxml.jackson.databind.deser.std.StdDeserializer;
import java.io.IOException;
import java.time.Duration;

/** Reads what {@link DurationNanosSerializer} wrote. */
final class DurationNanosDeserializer extends StdDeserializer<Duration> {
  DurationNanosDeserializer() {
    super(Duration.class);
  }

  @Override
  public Duration deserialize(JsonParser p, DeserializationContext ctxt) throws IOException {
    if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
      return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
    }
    return Duration.ofNanos(p.getLongValue());
  }
}
