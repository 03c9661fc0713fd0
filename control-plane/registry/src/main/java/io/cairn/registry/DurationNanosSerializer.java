package io.cairn.registry;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;
import java.io.IOException;
import java.time.Duration;

/**
 * Stores a duration as whole nanoseconds: exact, and read back without {@link Duration#parse}'s
 * regular expression, which dominated restart time with many checks.
 */
final class DurationNanosSerializer extends StdSerializer<Duration> {
  DurationNanosSerializer() {
    super(Duration.class);
  }

  @Override
  public void serialize(Duration value, JsonGenerator gen, SerializerProvider provider)
      throws IOException {
    gen.writeNumber(value.toNanos());
  }
}
