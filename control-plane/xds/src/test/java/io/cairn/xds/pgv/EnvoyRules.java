package io.cairn.xds.pgv;

import com.google.protobuf.Any;
import com.google.protobuf.Descriptors.Descriptor;
import com.google.protobuf.Descriptors.EnumValueDescriptor;
import com.google.protobuf.Descriptors.FieldDescriptor;
import com.google.protobuf.Descriptors.OneofDescriptor;
import com.google.protobuf.DynamicMessage;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.MessageOrBuilder;
import io.envoyproxy.pgv.validate.Validate;
import io.envoyproxy.pgv.validate.Validate.FieldRules;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Envoy's own validation of a resource, without Envoy: the protoc-gen-validate (PGV) rules that
 * Envoy's protos declare as {@code (validate.rules)} options, read from the descriptors of
 * java-control-plane's generated classes and evaluated the way PGV's generated validators do. Every
 * field of every message is visited, embedded messages recursively and {@code Any}-packed typed
 * configs after resolving their type.
 *
 * <p>Beyond PGV, {@link ClientRules} adds checks clients make when they load a resource (RE2
 * regexes, weighted-cluster totals).
 *
 * <p>A rule this class does not implement throws {@link UnsupportedRule} instead of passing, so a
 * new kind of resource cannot be waved through unchecked.
 */
public final class EnvoyRules {
  /** A rule whose kind is not implemented here: the check would otherwise pass silently. */
  public static final class UnsupportedRule extends RuntimeException {
    UnsupportedRule(String path, String rule) {
      super(path + ": rule " + rule + " is not implemented by the test validator");
    }
  }

  /** One broken rule, with the field path from the resource's root. */
  public record Violation(String path, String rule, String detail) {
    @Override
    public String toString() {
      return path + " [" + rule + "] " + detail;
    }
  }

  private static final Map<String, Descriptor> TYPES = new ConcurrentHashMap<>();

  private final List<Violation> found = new ArrayList<>();

  private EnvoyRules() {}

  /** Every rule {@code resource} breaks, empty when Envoy would accept it. */
  public static List<Violation> violations(MessageOrBuilder resource) {
    EnvoyRules rules = new EnvoyRules();
    rules.message(resource.getDescriptorForType().getName(), resource);
    return List.copyOf(rules.found);
  }

  void add(String path, String rule, String detail) {
    found.add(new Violation(path, rule, detail));
  }

  private void message(String path, MessageOrBuilder m) {
    Descriptor type = m.getDescriptorForType();
    if (type.getOptions().getExtension(Validate.disabled)
        || type.getOptions().getExtension(Validate.ignored)) {
      return;
    }
    if (type.getFullName().equals(Any.getDescriptor().getFullName())) {
      any(path, m);
      return;
    }
    for (OneofDescriptor oneof : type.getRealOneofs()) {
      if (oneof.getOptions().getExtension(Validate.required) && !m.hasOneof(oneof)) {
        add(path + "." + oneof.getName(), "oneof.required", "one of its fields must be set");
      }
    }
    for (FieldDescriptor field : type.getFields()) {
      field(path + "." + field.getName(), m, field);
    }
    ClientRules.check(this, path, m);
  }

  private void field(String path, MessageOrBuilder m, FieldDescriptor field) {
    FieldRules rules = field.getOptions().getExtension(Validate.rules);
    boolean hasRules = field.getOptions().hasExtension(Validate.rules);
    if (field.isMapField()) {
      List<?> entries = (List<?>) m.getField(field);
      if (hasRules) {
        MapRules.check(this, path, field, entries, rules);
      }
      for (Object e : entries) {
        MessageOrBuilder entry = (MessageOrBuilder) e;
        Object key = entry.getField(entry.getDescriptorForType().findFieldByName("key"));
        FieldDescriptor valueField = entry.getDescriptorForType().findFieldByName("value");
        if (valueField.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
          message(path + "[" + key + "]", (MessageOrBuilder) entry.getField(valueField));
        }
      }
      return;
    }
    if (field.isRepeated()) {
      List<?> items = (List<?>) m.getField(field);
      if (hasRules) {
        RepeatedRules.check(this, path, field, items, rules);
      }
      if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
        boolean skip =
            hasRules
                && rules.getRepeated().getItems().hasMessage()
                && rules.getRepeated().getItems().getMessage().getSkip();
        for (int i = 0; i < items.size() && !skip; i++) {
          message(path + "[" + i + "]", (MessageOrBuilder) items.get(i));
        }
      }
      return;
    }
    boolean inOneof = field.getContainingOneof() != null;
    if (inOneof && !m.hasField(field)) {
      return; // Rules of a oneof member apply only to the member that is set.
    }
    if (field.getJavaType() == FieldDescriptor.JavaType.MESSAGE) {
      if (hasRules && rules.hasMessage()) {
        Rules.known(path, "message", rules.getMessage(), "required", "skip");
      }
      boolean present = m.hasField(field);
      if (!present) {
        if (hasRules && required(rules)) {
          add(path, "required", "must be set");
        }
        return;
      }
      MessageOrBuilder value = (MessageOrBuilder) m.getField(field);
      if (hasRules) {
        valueRules(path, field, value, rules);
      }
      if (!(hasRules && rules.hasMessage() && rules.getMessage().getSkip())) {
        message(path, value);
      }
      return;
    }
    if (hasRules) {
      valueRules(path, field, m.getField(field), rules);
    }
  }

  /**
   * Whether a message-typed field must be set: {@code message}, {@code duration} or {@code any}.
   */
  private static boolean required(FieldRules rules) {
    return (rules.hasMessage() && rules.getMessage().getRequired())
        || (rules.hasDuration() && rules.getDuration().getRequired())
        || (rules.hasAny() && rules.getAny().getRequired())
        || (rules.hasTimestamp() && rules.getTimestamp().getRequired());
  }

  /** The type-specific rules of one value (a field, a list item, a map key or value). */
  void valueRules(String path, FieldDescriptor field, Object value, FieldRules rules) {
    switch (rules.getTypeCase()) {
      case TYPE_NOT_SET -> {}
      case STRING -> StringRules.check(this, path, unwrap(value, String.class), rules.getString());
      case BYTES -> BytesRules.check(this, path, unwrapBytes(value), rules.getBytes());
      case BOOL -> {
        Validate.BoolRules b = rules.getBool();
        Rules.known(path, "bool", b, "const");
        if (b.hasConst() && unwrap(value, Boolean.class) != b.getConst()) {
          add(path, "bool.const", "must be " + b.getConst());
        }
      }
      case ENUM -> EnumRules.check(this, path, field, (EnumValueDescriptor) value, rules.getEnum());
      case DURATION ->
          DurationRules.check(
              this, path, (com.google.protobuf.Duration) toMessage(value), rules.getDuration());
      case ANY -> AnyRules.check(this, path, (Any) toMessage(value), rules.getAny());
      case FLOAT,
          DOUBLE,
          INT32,
          INT64,
          UINT32,
          UINT64,
          SINT32,
          SINT64,
          FIXED32,
          FIXED64,
          SFIXED32,
          SFIXED64 ->
          NumberRules.check(this, path, field, value, rules);
      default -> throw new UnsupportedRule(path, rules.getTypeCase().name().toLowerCase());
    }
  }

  /** The value of a scalar or of its wrapper ({@code google.protobuf.UInt32Value} and kin). */
  static <T> T unwrap(Object value, Class<T> type) {
    if (value instanceof MessageOrBuilder wrapper) {
      return type.cast(wrapper.getField(wrapper.getDescriptorForType().findFieldByName("value")));
    }
    return type.cast(value);
  }

  private static com.google.protobuf.ByteString unwrapBytes(Object value) {
    return unwrap(value, com.google.protobuf.ByteString.class);
  }

  private static Message toMessage(Object value) {
    if (value instanceof DynamicMessage d) {
      try {
        return switch (d.getDescriptorForType().getFullName()) {
          case "google.protobuf.Duration" ->
              com.google.protobuf.Duration.parseFrom(d.toByteString());
          case "google.protobuf.Any" -> Any.parseFrom(d.toByteString());
          default -> d;
        };
      } catch (InvalidProtocolBufferException e) {
        throw new IllegalStateException(e);
      }
    }
    return (Message) value;
  }

  /** An {@code Any} is checked as the message it carries, whose type must be resolvable. */
  private void any(String path, MessageOrBuilder m) {
    Any any = (Any) toMessage(m);
    if (any.getTypeUrl().isEmpty()) {
      return;
    }
    String name = any.getTypeUrl().substring(any.getTypeUrl().lastIndexOf('/') + 1);
    Descriptor type = TYPES.computeIfAbsent(name, EnvoyRules::resolve);
    try {
      DynamicMessage packed = DynamicMessage.parseFrom(type, any.getValue());
      message(path + "<" + type.getName() + ">", packed);
    } catch (InvalidProtocolBufferException e) {
      add(path, "any", "does not parse as " + name + ": " + e.getMessage());
    }
  }

  /** Envoy's generated classes live under {@code io.envoyproxy.} plus the proto package. */
  private static Descriptor resolve(String fullName) {
    for (String prefix : List.of("io.envoyproxy.", "com.github.", "com.google.protobuf.")) {
      String className =
          prefix.equals("com.google.protobuf.")
              ? fullName.replace("google.protobuf.", prefix)
              : prefix + fullName;
      try {
        Class<?> c = Class.forName(className);
        return (Descriptor) c.getMethod("getDescriptor").invoke(null);
      } catch (ReflectiveOperationException | LinkageError e) {
        // try the next naming scheme
      }
    }
    throw new IllegalStateException("cannot resolve the packed type " + fullName);
  }
}
