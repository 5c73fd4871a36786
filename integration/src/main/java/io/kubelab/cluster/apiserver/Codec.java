package io.kubelab.cluster.apiserver;

import io.kubelab.apimachinery.resource.Quantities;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Request bodies into objects: parse (JSON or YAML), check the kind and version against the path,
 * decode into the fabric8 type (dropping fields the type does not have, or refusing them under
 * {@code fieldValidation=Strict}), and back to the canonical JSON tree that is stored.
 *
 * <p>Upstream: the create/update handlers' decoding ({@code
 * k8s.io/apiserver/pkg/endpoints/handlers/create.go}: {@code decoder.Decode} with the path's kind
 * as default, {@code transformDecodeError}, and "the API version in the data ... does not match").
 * Error messages keep upstream's frame; the detail after the colon is ours (upstream's comes from
 * Go's JSON decoder).
 */
final class Codec {

  private Codec() {}

  /** Parses a body: JSON, or YAML for {@code application/yaml}; 400 when malformed. */
  static JsonNode parse(byte[] body, String contentType, String expectKind) {
    try {
      if (contentType.startsWith("application/yaml")) {
        return Json.YAML.readTree(body);
      }
      JsonNode n = Json.MAPPER.readTree(body);
      if (n == null || n.isMissingNode()) {
        throw ApiError.badRequest(
            "the object provided is unrecognized (must be of type "
                + expectKind
                + "): couldn't get version/kind; json parse error: unexpected end of JSON input ()");
      }
      return n;
    } catch (JacksonException e) {
      throw ApiError.badRequest(
          "the object provided is unrecognized (must be of type "
              + expectKind
              + "): couldn't get version/kind; json parse error: "
              + problem(e)
              + " ("
              + summarize(body)
              + ")");
    }
  }

  private static String problem(JacksonException e) {
    String m = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
    int nl = m.indexOf('\n');
    return nl < 0 ? m : m.substring(0, nl);
  }

  /** {@code summarizeData}: the first 30 bytes, with " ..." if there is more. */
  static String summarize(byte[] body) {
    String s = new String(body, 0, Math.min(body.length, 30), StandardCharsets.UTF_8);
    return body.length > 30 ? s + " ..." : s;
  }

  /**
   * Decodes a body for resource type {@code t}: the object, with its apiVersion and kind, as
   * fabric8's type round-trips it.
   */
  static ObjectNode decode(ResourceType t, JsonNode tree, boolean strict) {
    return decode(t.apiVersion(), t.kind(), t.type(), t.group(), tree, strict);
  }

  static ObjectNode decode(
      String apiVersion, String kind, Class<?> type, String group, JsonNode tree, boolean strict) {
    if (!tree.isObject()) {
      throw ApiError.badRequest(
          "the object provided is unrecognized (must be of type "
              + kind
              + "): couldn't get version/kind; json parse error: json: cannot unmarshal "
              + (tree.isArray()
                  ? "array"
                  : tree.isString() ? "string" : tree.isNumber() ? "number" : "bool")
              + " into Go value of type struct { APIVersion string \"json:\\\"apiVersion,omitempty\\\"\"; Kind string \"json:\\\"kind,omitempty\\\"\" }");
    }
    ObjectNode obj = (ObjectNode) tree;
    String bodyKind = obj.path("kind").asString("");
    String bodyVersion = obj.path("apiVersion").asString("");
    String version = bodyVersion.isEmpty() ? apiVersion : bodyVersion;
    String shortVersion =
        version.contains("/") ? version.substring(version.indexOf('/') + 1) : version;
    String bodyGroup = version.contains("/") ? version.substring(0, version.indexOf('/')) : "";
    if (!bodyKind.isEmpty() && !bodyKind.equals(kind)) {
      boolean known =
          Kinds.ALL.stream()
              .anyMatch(
                  k ->
                      k.kind().equals(bodyKind)
                          && k.apiVersion().equals(apiVersionOf(bodyGroup, shortVersion)));
      String internal = (group.isEmpty() ? "core" : group.split("\\.")[0]) + "." + kind;
      throw ApiError.badRequest(
          bodyKind
              + " in version "
              + Json.goQuote(shortVersion)
              + " cannot be handled as a "
              + kind
              + ": "
              + (known
                  ? "converting ("
                      + shortVersion
                      + "."
                      + bodyKind
                      + ") to ("
                      + internal
                      + "): unknown conversion"
                  : "no kind "
                      + Json.goQuote(bodyKind)
                      + " is registered for version "
                      + Json.goQuote(version)
                      + " in scheme \"pkg/runtime/scheme.go:100\""));
    }
    if (!version.equals(apiVersion)) {
      throw ApiError.badRequest(
          "the API version in the data ("
              + version
              + ") does not match the expected API version ("
              + apiVersion
              + ")");
    }
    checkQuantities(kind, obj, apiVersion);
    Object typed;
    try {
      typed = (strict ? Json.STRICT : Json.LENIENT).treeToValue(obj, type);
    } catch (JacksonException e) {
      if (strict && e.getClass().getSimpleName().equals("UnrecognizedPropertyException")) {
        throw ApiError.badRequest("strict decoding error: unknown field " + Json.goQuote(path(e)));
      }
      throw ApiError.badRequest(
          kind
              + " in version "
              + Json.goQuote(shortVersion)
              + " cannot be handled as a "
              + kind
              + ": "
              + path(e)
              + ": "
              + problem(e));
    }
    ObjectNode out = Json.LENIENT.valueToTree(typed);
    out.put("apiVersion", apiVersion);
    out.put("kind", kind);
    return Json.canonical(reorder(out));
  }

  private static String apiVersionOf(String group, String version) {
    return group.isEmpty() ? version : group + "/" + version;
  }

  /** kind, apiVersion, metadata first, as upstream serialises. */
  private static ObjectNode reorder(ObjectNode o) {
    ObjectNode r = Json.object();
    r.set("kind", o.get("kind"));
    r.set("apiVersion", o.get("apiVersion"));
    if (o.has("metadata")) {
      r.set("metadata", o.get("metadata"));
    }
    for (Map.Entry<String, JsonNode> e : o.properties()) {
      if (!r.has(e.getKey())) {
        r.set(e.getKey(), e.getValue());
      }
    }
    return r;
  }

  private static String path(JacksonException e) {
    StringBuilder sb = new StringBuilder();
    for (JacksonException.Reference r : e.getPath()) {
      if (r.getPropertyName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getPropertyName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  /** Quantities are parsed when decoding upstream: a malformed one is a decode error (400). */
  private static void checkQuantities(String kind, JsonNode obj, String apiVersion) {
    if (kind.equals("Pod")) {
      quantities(obj.path("spec"), kind, apiVersion);
    } else if (kind.equals("Node")) {
      for (String f : List.of("capacity", "allocatable")) {
        quantityMap(obj.path("status").path(f), kind, apiVersion);
      }
    } else if (kind.equals("Deployment") || kind.equals("ReplicaSet")) {
      quantities(obj.path("spec").path("template").path("spec"), kind, apiVersion);
    }
  }

  private static void quantities(JsonNode spec, String kind, String apiVersion) {
    for (String list : List.of("containers", "initContainers")) {
      for (JsonNode c : spec.path(list)) {
        quantityMap(c.path("resources").path("requests"), kind, apiVersion);
        quantityMap(c.path("resources").path("limits"), kind, apiVersion);
      }
    }
  }

  private static void quantityMap(JsonNode m, String kind, String apiVersion) {
    for (Map.Entry<String, JsonNode> e : m.properties()) {
      JsonNode v = e.getValue();
      boolean ok = v.isString() || v.isNumber();
      if (ok) {
        try {
          Quantities.parse(v.asString(), e.getKey());
        } catch (IllegalArgumentException ex) {
          ok = false;
        }
      }
      if (!ok) {
        String version =
            apiVersion.contains("/")
                ? apiVersion.substring(apiVersion.indexOf('/') + 1)
                : apiVersion;
        throw ApiError.badRequest(
            kind
                + " in version "
                + Json.goQuote(version)
                + " cannot be handled as a "
                + kind
                + ": quantities must match the regular expression"
                + " '^([+-]?[0-9.]+)([eEinumkKMGTP]*[-+]?[0-9]*)$'");
      }
    }
  }
}
