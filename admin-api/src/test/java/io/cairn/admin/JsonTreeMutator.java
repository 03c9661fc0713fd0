package io.cairn.admin;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.cairn.registry.fuzz.Inputs;
import io.cairn.registry.fuzz.Mutator;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;

/**
 * Structure-aware JSON inputs: half the time a seed's tree with 1-3 values replaced (by other
 * types, huge or negative numbers, long or odd strings, deep nesting), fields dropped or copied;
 * the other half {@link Mutator}'s byte mutations, which mostly test the JSON parser itself.
 */
public final class JsonTreeMutator implements Inputs {
  /** Writes nesting deeper than Jackson reads (1,000), so the reader's limit is tested too. */
  private static final ObjectMapper MAPPER =
      new ObjectMapper(
          com.fasterxml.jackson.core.JsonFactory.builder()
              .streamWriteConstraints(
                  com.fasterxml.jackson.core.StreamWriteConstraints.builder()
                      .maxNestingDepth(100_000)
                      .build())
              .build());

  private static final JsonNodeFactory F = JsonNodeFactory.instance;

  private final Random random;
  private final List<JsonNode> seeds = new ArrayList<>();
  private final Mutator bytes;

  public JsonTreeMutator(long seed, List<String> seeds) {
    this.random = new Random(seed);
    this.bytes = Mutator.ofText(random, seeds, JsonSeeds.TOKENS);
    try {
      for (String s : seeds) {
        this.seeds.add(MAPPER.readTree(s));
      }
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public byte[] next() {
    if (random.nextBoolean()) {
      return bytes.next();
    }
    JsonNode tree = seeds.get(random.nextInt(seeds.size())).deepCopy();
    for (int n = 1 + random.nextInt(3); n > 0; n--) {
      List<JsonNode> containers = new ArrayList<>();
      collect(tree, containers);
      mutate(containers.get(random.nextInt(containers.size())));
    }
    try {
      return MAPPER.writeValueAsBytes(tree);
    } catch (java.io.IOException e) {
      throw new IllegalStateException(e);
    }
  }

  private static void collect(JsonNode node, List<JsonNode> out) {
    if (node.isContainerNode()) {
      out.add(node);
      node.forEach(child -> collect(child, out));
    }
  }

  private void mutate(JsonNode container) {
    if (container instanceof ObjectNode object) {
      List<String> names = new ArrayList<>();
      object.fieldNames().forEachRemaining(names::add);
      String name =
          names.isEmpty() || random.nextInt(8) == 0
              ? weirdString()
              : names.get(random.nextInt(names.size()));
      switch (random.nextInt(6)) {
        case 0 -> object.remove(name);
        case 1 -> object.set(name + (random.nextBoolean() ? "" : "_"), object.get(name));
        default -> object.set(name, value());
      }
    } else if (container instanceof ArrayNode array) {
      int at = array.isEmpty() ? 0 : random.nextInt(array.size());
      switch (random.nextInt(4)) {
        case 0 -> {
          if (!array.isEmpty()) {
            array.remove(at);
          }
        }
        case 1 -> array.add(array.isEmpty() ? value() : array.get(at).deepCopy());
        default -> {
          if (array.isEmpty()) {
            array.add(value());
          } else {
            array.set(at, value());
          }
        }
      }
    }
  }

  private JsonNode value() {
    return switch (random.nextInt(14)) {
      case 0 -> F.nullNode();
      case 1 -> F.booleanNode(random.nextBoolean());
      case 2 -> F.numberNode(random.nextInt());
      case 3 -> F.numberNode(new BigInteger("9".repeat(1 + random.nextInt(400))));
      case 4 -> F.numberNode(new BigDecimal("-1e" + random.nextInt(1000)));
      case 5 -> F.numberNode(random.nextDouble() * 200 - 100);
      case 6 -> F.numberNode(random.nextBoolean() ? Long.MIN_VALUE : -1);
      case 7 -> F.textNode(weirdString());
      case 8 -> F.textNode("x".repeat(random.nextInt(100_000)));
      case 9 -> F.textNode(random.nextInt(99_999) + (random.nextBoolean() ? "h" : "ms"));
      case 10 -> {
        JsonNode deep = F.objectNode();
        for (int i = random.nextInt(2_000); i > 0; i--) {
          deep = random.nextBoolean() ? F.arrayNode().add(deep) : F.objectNode().set("a", deep);
        }
        yield deep;
      }
      case 11 -> F.arrayNode().add(weirdString()).add(random.nextInt());
      case 12 -> F.objectNode().put(weirdString(), weirdString());
      default -> seeds.get(random.nextInt(seeds.size())).deepCopy();
    };
  }

  private String weirdString() {
    String[] pieces = {
      "",
      " ",
      "\u0000",
      "\uD800",
      "\uFFFF",
      "../../etc",
      "*",
      "-",
      "a.b",
      "\n",
      "%00",
      "web",
      "http://[::1]:0/",
      "10.0.0.1",
      "::",
      "1s",
      "-1s",
      "UPPER",
      "service:web-1",
      "é",
      "\"'`"
    };
    StringBuilder b = new StringBuilder();
    for (int i = random.nextInt(4); i >= 0; i--) {
      b.append(pieces[random.nextInt(pieces.length)]);
    }
    return b.toString();
  }
}
