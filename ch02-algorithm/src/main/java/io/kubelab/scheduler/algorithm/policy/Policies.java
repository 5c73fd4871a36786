package io.kubelab.scheduler.algorithm.policy;

import com.fasterxml.jackson.annotation.JsonFormat;
import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.core.JsonParser;
import tools.jackson.core.JsonToken;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.core.exc.InputCoercionException;
import tools.jackson.databind.DeserializationContext;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MapperFeature;
import tools.jackson.databind.ValueDeserializer;
import tools.jackson.databind.annotation.JsonDeserialize;
import tools.jackson.databind.cfg.CoercionAction;
import tools.jackson.databind.cfg.CoercionInputShape;
import tools.jackson.databind.exc.InvalidNullException;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.exc.UnrecognizedPropertyException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.type.LogicalType;

/**
 * Reads and validates a scheduler {@link Policy} document.
 *
 * <p>Upstream: the {@code Policy} types of {@code staging/src/k8s.io/kube-scheduler/config/v1/
 * types.go}, which {@code initPolicyFromFile} in {@code pkg/scheduler/scheduler.go} decodes with
 * the API machinery's JSON serializer (v1.17); {@link PolicyValidation} then checks the result as
 * {@code ValidatePolicy} does. Jackson maps the JSON onto the {@link Policy} records under
 * upstream's field names: case-sensitively, as the serializer's case-sensitive json-iterator does,
 * except inside an extender, which upstream decodes with Go's case-insensitive {@code
 * encoding/json} ({@code caseInsensitiveExtender}: 1.7-era files wrote {@code BindVerb} and {@code
 * TLSConfig}). Types are Go's: numbers are not strings, integers are not fractions, a {@code
 * time.Duration} is an integer number of nanoseconds, bytes are base64.
 *
 * <p>Stricter than upstream, which ignores what it does not know: an unknown field and a duplicate
 * key are errors here, each naming its field. A misspelt {@code "predicate"} upstream silently
 * means "the DefaultProvider's predicates".
 */
public final class Policies {

  /** Go's {@code encoding/json} rules inside an extender: field names match in any case. */
  @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
  private abstract static class CaseInsensitive {}

  /** An extender: case-insensitive, and {@code httpTimeout} in nanoseconds. */
  @JsonFormat(with = JsonFormat.Feature.ACCEPT_CASE_INSENSITIVE_PROPERTIES)
  private abstract static class ExtenderMixIn {
    @JsonDeserialize(using = Nanoseconds.class)
    Duration httpTimeout;
  }

  /** {@code kind} and {@code apiVersion} are the document's type, checked before mapping. */
  @JsonIgnoreProperties({"kind", "apiVersion"})
  private abstract static class PolicyMixIn {}

  /** A Go {@code time.Duration}: an integer number of nanoseconds. */
  private static final class Nanoseconds extends ValueDeserializer<Duration> {
    @Override
    public Duration deserialize(JsonParser p, DeserializationContext ctxt) {
      if (p.currentToken() != JsonToken.VALUE_NUMBER_INT) {
        return (Duration) ctxt.handleUnexpectedToken(Duration.class, p);
      }
      return Duration.ofNanos(p.getLongValue());
    }
  }

  private static final JsonMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_UNKNOWN_PROPERTIES)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          // Go leaves a field at its zero value for null, and never rounds a fraction into an
          // integer or reads a number out of a string.
          .disable(DeserializationFeature.FAIL_ON_NULL_FOR_PRIMITIVES)
          .disable(DeserializationFeature.ACCEPT_FLOAT_AS_INT)
          .disable(MapperFeature.ALLOW_COERCION_OF_SCALARS)
          // Nor a string out of a number or a boolean: Jackson's string reader would otherwise
          // take {"name": 1} as "1", where Go fails to unmarshal a number into a string.
          .withCoercionConfig(
              LogicalType.Textual,
              c ->
                  c.setCoercion(CoercionInputShape.Integer, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Float, CoercionAction.Fail)
                      .setCoercion(CoercionInputShape.Boolean, CoercionAction.Fail))
          // A null element of a list has no Go equivalent worth keeping: reject it by name.
          .changeDefaultNullHandling(n -> JsonSetter.Value.forContentNulls(Nulls.FAIL))
          .addMixIn(Policy.class, PolicyMixIn.class)
          .addMixIn(Policy.Extender.class, ExtenderMixIn.class)
          .addMixIn(Policy.ExtenderTLSConfig.class, CaseInsensitive.class)
          .addMixIn(Policy.ExtenderManagedResource.class, CaseInsensitive.class)
          .build();

  private Policies() {}

  /**
   * Parses and validates a Policy in JSON.
   *
   * @throws PolicyException for malformed JSON (naming line and column), unknown or mistyped fields
   *     (naming the field) and invalid values
   */
  public static Policy parse(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      // Syntax errors, duplicate keys, and a second value after the document.
      TokenStreamLocation at = e.getLocation();
      String where =
          at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
      throw new PolicyException("Policy: malformed JSON" + where + ": " + plain(e), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new PolicyException("Policy: the document is empty");
    }
    if (!root.isObject()) {
      throw new PolicyException("Policy: expected an object, got " + describe(root));
    }
    checkType(root, "kind", "Policy");
    checkType(root, "apiVersion", "v1");
    Policy policy;
    try {
      policy = MAPPER.treeToValue(root, Policy.class);
    } catch (JacksonException e) {
      throw bindingError(root, e);
    }
    PolicyValidation.validate(policy);
    return policy;
  }

  /** A parser's message without its source and offset notes: the position is given already. */
  private static String plain(JacksonException e) {
    if (e instanceof MismatchedInputException) {
      return "unexpected data after the document";
    }
    return e.getOriginalMessage()
        .replaceAll("\\s*\\(for [A-Za-z]+ starting at \\[Source:[^\\]]*\\]\\)", "")
        .replaceAll("\\s*at \\[Source:[^\\]]*\\]", "")
        .strip();
  }

  /**
   * The document must be a v1 Policy if it says what it is. Upstream's decoder looks the pair up in
   * its scheme and fails with {@code no kind "X" is registered for version "Y"}.
   */
  private static void checkType(JsonNode root, String field, String want) {
    JsonNode n = root.get(field);
    if (n == null || n.isNull()) {
      return;
    }
    if (!n.isString()) {
      throw new PolicyException("Policy." + field + ": expected a string, got " + n);
    }
    if (!n.stringValue().equals(want)) {
      JsonNode kind = root.get("kind");
      JsonNode version = root.get("apiVersion");
      throw new PolicyException(
          "Policy: no kind "
              + (kind == null || kind.isNull() ? "\"Policy\"" : kind.toString())
              + " is registered for version "
              + (version == null || version.isNull() ? "\"v1\"" : version.toString()));
    }
  }

  /** A binding error as {@code Policy.<path>: <what went wrong>}. */
  private static PolicyException bindingError(JsonNode root, JacksonException e) {
    StringBuilder path = new StringBuilder("Policy");
    JsonNode at = root;
    List<JacksonException.Reference> refs = e.getPath();
    for (int i = 0; i < refs.size(); i++) {
      JacksonException.Reference r = refs.get(i);
      boolean last = i == refs.size() - 1;
      if (r.getPropertyName() != null) {
        if (last && e instanceof UnrecognizedPropertyException) {
          break;
        }
        path.append('.').append(r.getPropertyName());
        at = at == null ? null : field(at, r.getPropertyName());
      } else if (r.getIndex() >= 0) {
        path.append('[').append(r.getIndex()).append(']');
        at = at == null ? null : at.get(r.getIndex());
      }
    }
    String problem;
    if (e instanceof UnrecognizedPropertyException u) {
      List<String> known = new ArrayList<>();
      if (u.getKnownPropertyIds() != null) {
        u.getKnownPropertyIds().forEach(k -> known.add(String.valueOf(k)));
      }
      known.sort(null);
      problem =
          "unknown field \"" + u.getPropertyName() + "\" (known: " + String.join(", ", known) + ")";
    } else if (e instanceof InvalidNullException) {
      problem = "null is not allowed here";
    } else if (e instanceof MismatchedInputException m && m.getTargetType() != null) {
      problem = "expected " + expected(m.getTargetType()) + ", got " + describeValue(at);
    } else if (e instanceof InputCoercionException c && c.getTargetType() != null) {
      problem = "expected " + expected(c.getTargetType()) + ", got " + describeValue(at);
    } else {
      problem = e.getOriginalMessage();
    }
    return new PolicyException(path + ": " + problem, e);
  }

  /** A field of an object node, matched in any case when no exact match exists (extenders). */
  private static JsonNode field(JsonNode node, String name) {
    JsonNode exact = node.get(name);
    if (exact != null || !node.isObject()) {
      return exact;
    }
    for (Map.Entry<String, JsonNode> e : node.properties()) {
      if (e.getKey().equalsIgnoreCase(name)) {
        return e.getValue();
      }
    }
    return null;
  }

  /** What a field of this type holds; the {@link Policy} records use primitives, never boxes. */
  private static String expected(Class<?> type) {
    if (type == long.class) {
      return "a 64-bit integer";
    }
    if (type == int.class) {
      return "a 32-bit integer";
    }
    if (type == boolean.class) {
      return "true or false";
    }
    if (type == String.class) {
      return "a string";
    }
    if (type == byte[].class) {
      return "base64 text";
    }
    if (type == Duration.class) {
      return "an integer number of nanoseconds";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    return "an object";
  }

  private static String describeValue(JsonNode n) {
    return n == null ? "something else" : n.toString();
  }

  private static String describe(JsonNode n) {
    return n.getNodeType().toString().toLowerCase(Locale.ROOT);
  }
}
