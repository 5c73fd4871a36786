package io.kubelab.cluster.apiserver;

import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.cfg.MapperConfig;
import tools.jackson.databind.introspect.Annotated;
import tools.jackson.databind.introspect.JacksonAnnotationIntrospector;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * The server's JSON: one mapper for trees, and two for decoding bodies into fabric8's typed model
 * the way upstream's Go decoder does: fields the type does not have are dropped ({@link #LENIENT}),
 * or rejected under {@code fieldValidation=Strict} ({@link #STRICT}).
 *
 * <p>fabric8's classes keep unknown fields in an {@code additionalProperties} map ({@code
 * JsonAnySetter}); both typed mappers switch that off, so a typed object carries exactly the fields
 * of the API type, as a Go struct does.
 */
final class Json {

  static final ObjectMapper MAPPER = JsonMapper.builder().build();
  static final ObjectMapper YAML = YAMLMapper.builder().build();

  /** Drops unknown fields, as upstream's (non-strict) JSON decoding into Go structs does. */
  static final ObjectMapper LENIENT = typed(false);

  /** Fails on the first unknown field, naming its path. */
  static final ObjectMapper STRICT = typed(true);

  private Json() {}

  private static ObjectMapper typed(boolean strict) {
    JsonMapper.Builder b =
        JsonMapper.builder()
            .annotationIntrospector(new NoAdditionalProperties())
            .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS);
    return (strict
            ? b.enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
            : b.disable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES))
        .build();
  }

  /** Ignores fabric8's any-setter and any-getter so unknown fields are not kept. */
  private static final class NoAdditionalProperties extends JacksonAnnotationIntrospector {
    private static final long serialVersionUID = 1L;

    @Override
    public Boolean hasAnySetter(MapperConfig<?> config, Annotated a) {
      return Boolean.FALSE;
    }

    @Override
    public Boolean hasAnyGetter(MapperConfig<?> config, Annotated a) {
      return Boolean.FALSE;
    }
  }

  /**
   * Rewrites every integral number in place as the node the JSON parser would have made for it (an
   * int node when it fits, else a long node), so that trees built by hand and trees decoded from
   * bodies compare equal: a value's JSON text, not its Java width, is what matters.
   */
  static <T extends JsonNode> T canonical(T node) {
    if (node instanceof ObjectNode o) {
      for (Map.Entry<String, JsonNode> e : o.properties()) {
        JsonNode v = e.getValue();
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          e.setValue(number(v.asLong()));
        } else if (v.isContainer()) {
          canonical(v);
        }
      }
    } else if (node instanceof ArrayNode a) {
      for (int i = 0; i < a.size(); i++) {
        JsonNode v = a.get(i);
        if (v.isIntegralNumber() && v.canConvertToLong()) {
          a.set(i, number(v.asLong()));
        } else if (v.isContainer()) {
          canonical(v);
        }
      }
    }
    return node;
  }

  private static JsonNode number(long v) {
    return v == (int) v
        ? JsonNodeFactory.instance.numberNode((int) v)
        : JsonNodeFactory.instance.numberNode(v);
  }

  static ObjectNode object() {
    return JsonNodeFactory.instance.objectNode();
  }

  static byte[] bytes(JsonNode node) {
    return MAPPER.writeValueAsBytes(node);
  }

  static String text(JsonNode node) {
    return MAPPER.writeValueAsString(node);
  }

  static JsonNode parse(String text) throws JacksonException {
    return MAPPER.readTree(text);
  }

  /** {@code node.at(path)} as text, or "" when missing or not a string. */
  static String str(JsonNode node, String pointer) {
    JsonNode v = node.at(pointer);
    return v.isString() ? v.stringValue() : "";
  }

  /** The object at {@code field} of {@code parent}, created if missing or not an object. */
  static ObjectNode obj(ObjectNode parent, String field) {
    JsonNode v = parent.get(field);
    if (v instanceof ObjectNode o) {
      return o;
    }
    return parent.putObject(field);
  }

  /** Go's {@code %q}: a double-quoted string with Go escapes. */
  static String goQuote(String s) {
    StringBuilder b = new StringBuilder(s.length() + 2).append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        case '\t' -> b.append("\\t");
        case '\r' -> b.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            b.append(String.format("\\x%02x", (int) c));
          } else {
            b.append(c);
          }
        }
      }
    }
    return b.append('"').toString();
  }
}
