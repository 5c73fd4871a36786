package io.kubelab.cluster.apiserver;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The three patch formats of {@code PATCH}: JSON merge patch (RFC 7386), JSON patch (RFC 6902), and
 * Kubernetes' strategic merge patch, which merges lists of objects by a key (containers by name,
 * ports by port) instead of replacing them, and understands the directives {@code kubectl apply}
 * sends ({@code $patch}, {@code $retainKeys}, {@code $setElementOrder/}, {@code
 * $deleteFromPrimitiveList/}).
 *
 * <p>Upstream: {@code k8s.io/apiserver/pkg/endpoints/handlers/patch.go} (which format does what),
 * {@code k8s.io/apimachinery/pkg/util/strategicpatch/patch.go} ({@code StrategicMergePatch}), the
 * {@code patchStrategy}/{@code patchMergeKey} struct tags of the API types (here {@link
 * #MERGE_KEYS}), and {@code github.com/evanphx/json-patch}.
 */
final class Patches {

  private Patches() {}

  /** A patch that cannot be applied; the handler answers 422 (or 400 for malformed patches). */
  static final class PatchException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final boolean malformed;

    PatchException(String message, boolean malformed) {
      super(message, null, false, false);
      this.malformed = malformed;
    }
  }

  // ---- JSON merge patch ------------------------------------------------------------------------

  /** RFC 7386: objects merge recursively, null deletes, anything else replaces. */
  static JsonNode mergePatch(JsonNode target, JsonNode patch) {
    if (!patch.isObject()) {
      return patch.deepCopy();
    }
    ObjectNode result =
        target != null && target.isObject()
            ? ((ObjectNode) target).deepCopy()
            : JsonNodeFactory.instance.objectNode();
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      if (e.getValue().isNull()) {
        result.remove(e.getKey());
      } else {
        result.set(e.getKey(), mergePatch(result.get(e.getKey()), e.getValue()));
      }
    }
    return result;
  }

  // ---- JSON patch ------------------------------------------------------------------------------

  /** RFC 6902: a list of add, remove, replace, move, copy and test operations, all or nothing. */
  static JsonNode jsonPatch(JsonNode target, JsonNode patch) {
    if (!patch.isArray()) {
      throw new PatchException(
          "json: cannot unmarshal object into Go value of type jsonpatch.Patch", true);
    }
    JsonNode doc = target.deepCopy();
    for (JsonNode op : patch) {
      String kind = op.path("op").asString("");
      String path = op.path("path").asString(null);
      if (path == null) {
        throw new PatchException("missing path", false);
      }
      switch (kind) {
        case "add" -> doc = add(doc, path, value(op));
        case "remove" -> doc = remove(doc, path);
        case "replace" -> {
          doc = remove(doc, path);
          doc = add(doc, path, value(op));
        }
        case "move" -> {
          String from = op.path("from").asString("");
          JsonNode v = get(doc, from);
          doc = remove(doc, from);
          doc = add(doc, path, v);
        }
        case "copy" -> doc = add(doc, path, get(doc, op.path("from").asString("")).deepCopy());
        case "test" -> {
          if (!get(doc, path).equals(value(op))) {
            throw new PatchException("testing value " + path + " failed", false);
          }
        }
        default -> throw new PatchException("Unexpected kind: " + kind, false);
      }
    }
    return doc;
  }

  private static JsonNode value(JsonNode op) {
    if (!op.has("value")) {
      throw new PatchException("missing value", false);
    }
    return op.get("value").deepCopy();
  }

  private static List<String> tokens(String pointer) {
    if (pointer.isEmpty()) {
      return List.of();
    }
    if (!pointer.startsWith("/")) {
      throw new PatchException("JSON pointer must start with '/': " + pointer, false);
    }
    List<String> out = new ArrayList<>();
    for (String t : pointer.substring(1).split("/", -1)) {
      out.add(t.replace("~1", "/").replace("~0", "~"));
    }
    return out;
  }

  private static JsonNode get(JsonNode doc, String pointer) {
    JsonNode n = doc;
    for (String t : tokens(pointer)) {
      n = child(n, t, pointer);
    }
    return n;
  }

  private static JsonNode child(JsonNode n, String token, String pointer) {
    JsonNode c;
    if (n.isObject()) {
      c = n.get(token);
    } else if (n.isArray()) {
      c = n.get(index(token, n.size() - 1, pointer));
    } else {
      c = null;
    }
    if (c == null) {
      throw new PatchException("Unable to find key " + pointer, false);
    }
    return c;
  }

  private static int index(String token, int max, String pointer) {
    try {
      int i = Integer.parseInt(token);
      if (i < 0 || i > max) {
        throw new PatchException("Unable to access invalid index: " + i, false);
      }
      return i;
    } catch (NumberFormatException e) {
      throw new PatchException("Unable to find key " + pointer, false);
    }
  }

  private static JsonNode add(JsonNode doc, String pointer, JsonNode value) {
    List<String> ts = tokens(pointer);
    if (ts.isEmpty()) {
      return value;
    }
    JsonNode parent = doc;
    for (String t : ts.subList(0, ts.size() - 1)) {
      parent = child(parent, t, pointer);
    }
    String last = ts.get(ts.size() - 1);
    if (parent instanceof ObjectNode o) {
      o.set(last, value);
    } else if (parent instanceof ArrayNode a) {
      if (last.equals("-")) {
        a.add(value);
      } else {
        a.insert(index(last, a.size(), pointer), value);
      }
    } else {
      throw new PatchException("Unable to find key " + pointer, false);
    }
    return doc;
  }

  private static JsonNode remove(JsonNode doc, String pointer) {
    List<String> ts = tokens(pointer);
    if (ts.isEmpty()) {
      throw new PatchException("Unable to remove the whole document", false);
    }
    JsonNode parent = doc;
    for (String t : ts.subList(0, ts.size() - 1)) {
      parent = child(parent, t, pointer);
    }
    String last = ts.get(ts.size() - 1);
    if (parent instanceof ObjectNode o && o.has(last)) {
      o.remove(last);
    } else if (parent instanceof ArrayNode a) {
      a.remove(index(last, a.size() - 1, pointer));
    } else {
      throw new PatchException("Unable to remove nonexistent key: " + last, false);
    }
    return doc;
  }

  // ---- strategic merge patch -------------------------------------------------------------------

  /**
   * The {@code patchMergeKey} of each list that merges (by the path of field names from the
   * object's root; list indices left out). A list absent here is replaced whole; "" marks a list of
   * primitives merged as a set (finalizers).
   */
  static final Map<String, String> MERGE_KEYS = mergeKeys();

  private static Map<String, String> mergeKeys() {
    Map<String, String> m = new HashMap<>();
    for (String podSpec : List.of("spec", "spec.template.spec")) {
      for (String cs : List.of("containers", "initContainers", "ephemeralContainers")) {
        String c = podSpec + "." + cs;
        m.put(c, "name");
        m.put(c + ".ports", "containerPort");
        m.put(c + ".env", "name");
        m.put(c + ".volumeMounts", "mountPath");
        m.put(c + ".volumeDevices", "devicePath");
      }
      m.put(podSpec + ".volumes", "name");
      m.put(podSpec + ".imagePullSecrets", "name");
      m.put(podSpec + ".hostAliases", "ip");
      m.put(podSpec + ".topologySpreadConstraints", "topologyKey");
      m.put(podSpec + ".readinessGates", "conditionType");
    }
    m.put("metadata.ownerReferences", "uid");
    m.put("metadata.finalizers", "");
    m.put("spec.template.metadata.ownerReferences", "uid");
    m.put("status.conditions", "type");
    m.put("status.addresses", "type");
    m.put("status.images", "");
    return m;
  }

  /** Lists merged by a key only in one kind: a Service's ports merge by port. */
  static String mergeKey(String kind, String path) {
    if (kind.equals("Service") && path.equals("spec.ports")) {
      return "port";
    }
    if (kind.equals("Service") || kind.equals("Node")) {
      if (path.startsWith("spec.template")) {
        return null;
      }
    }
    return MERGE_KEYS.get(path);
  }

  /** Applies a strategic merge patch for an object of {@code kind}. */
  static JsonNode strategicMerge(String kind, JsonNode original, JsonNode patch) {
    if (!patch.isObject()) {
      throw new PatchException(
          "json: cannot unmarshal "
              + typeName(patch)
              + " into Go value of type map[string]interface {}",
          true);
    }
    JsonNode out = mergeObject(kind, original, (ObjectNode) patch, "");
    return out == null ? JsonNodeFactory.instance.objectNode() : out;
  }

  private static String typeName(JsonNode n) {
    if (n.isArray()) {
      return "array";
    }
    if (n.isString()) {
      return "string";
    }
    if (n.isNumber()) {
      return "number";
    }
    if (n.isBoolean()) {
      return "bool";
    }
    return "object";
  }

  private static String join(String path, String field) {
    return path.isEmpty() ? field : path + "." + field;
  }

  /** Returns the merged object, or null when the patch deletes it ({@code $patch: delete}). */
  private static JsonNode mergeObject(
      String kind, JsonNode original, ObjectNode patch, String path) {
    String directive = patch.path("$patch").asString("");
    if (directive.equals("delete")) {
      return null;
    }
    if (directive.equals("replace")) {
      ObjectNode copy = patch.deepCopy();
      copy.remove("$patch");
      return copy;
    }
    if (!directive.isEmpty() && !directive.equals("merge")) {
      throw new PatchException("Unknown patch type: " + directive, true);
    }
    ObjectNode result =
        original != null && original.isObject()
            ? ((ObjectNode) original).deepCopy()
            : JsonNodeFactory.instance.objectNode();
    Map<String, JsonNode> orders = new HashMap<>();
    for (Map.Entry<String, JsonNode> e : patch.properties()) {
      String k = e.getKey();
      JsonNode v = e.getValue();
      if (k.equals("$patch") || k.equals("$retainKeys")) {
        continue;
      }
      if (k.startsWith("$setElementOrder/")) {
        orders.put(k.substring("$setElementOrder/".length()), v);
        continue;
      }
      if (k.startsWith("$deleteFromPrimitiveList/")) {
        String f = k.substring("$deleteFromPrimitiveList/".length());
        if (result.get(f) instanceof ArrayNode list) {
          ArrayNode kept = list.arrayNode();
          for (JsonNode item : list) {
            if (!contains(v, item)) {
              kept.add(item);
            }
          }
          result.set(f, kept);
        }
        continue;
      }
      String p = join(path, k);
      if (v.isNull()) {
        result.remove(k);
      } else if (v.isObject()) {
        JsonNode merged = mergeObject(kind, result.get(k), (ObjectNode) v, p);
        if (merged == null) {
          result.remove(k);
        } else {
          result.set(k, merged);
        }
      } else if (v.isArray()) {
        String key = mergeKey(kind, p);
        if (key == null) {
          result.set(k, stripDirectives(v));
        } else if (key.isEmpty()) {
          result.set(k, union(result.get(k), (ArrayNode) v));
        } else {
          result.set(k, mergeList(kind, result.get(k), (ArrayNode) v, key, p));
        }
      } else {
        result.set(k, v.deepCopy());
      }
    }
    if (patch.get("$retainKeys") instanceof ArrayNode retain) {
      Iterator<String> names = result.propertyNames().iterator();
      List<String> drop = new ArrayList<>();
      while (names.hasNext()) {
        String n = names.next();
        if (!contains(retain, JsonNodeFactory.instance.stringNode(n))) {
          drop.add(n);
        }
      }
      drop.forEach(result::remove);
    }
    for (Map.Entry<String, JsonNode> o : orders.entrySet()) {
      if (result.get(o.getKey()) instanceof ArrayNode list) {
        result.set(o.getKey(), reorder(list, o.getValue(), mergeKey(kind, join(path, o.getKey()))));
      }
    }
    return result;
  }

  private static JsonNode stripDirectives(JsonNode v) {
    if (v.isObject()) {
      ObjectNode o = ((ObjectNode) v).deepCopy();
      o.remove("$patch");
      return o;
    }
    if (v.isArray()) {
      ArrayNode a = JsonNodeFactory.instance.arrayNode();
      for (JsonNode i : v) {
        if (!"delete".equals(i.path("$patch").asString(""))) {
          a.add(stripDirectives(i));
        }
      }
      return a;
    }
    return v.deepCopy();
  }

  private static boolean contains(JsonNode list, JsonNode item) {
    for (JsonNode i : list) {
      if (i.equals(item)) {
        return true;
      }
    }
    return false;
  }

  private static ArrayNode union(JsonNode original, ArrayNode patch) {
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    if (original instanceof ArrayNode a) {
      out.addAll(a.deepCopy());
    }
    for (JsonNode v : patch) {
      if (!contains(out, v)) {
        out.add(v.deepCopy());
      }
    }
    return out;
  }

  private static ArrayNode mergeList(
      String kind, JsonNode original, ArrayNode patch, String key, String path) {
    ArrayNode out =
        original instanceof ArrayNode a ? a.deepCopy() : JsonNodeFactory.instance.arrayNode();
    for (JsonNode item : patch) {
      if (!item.isObject()) {
        throw new PatchException(
            "unable to find api field in struct for the patch list item " + item, false);
      }
      if ("replace".equals(item.path("$patch").asString(""))) {
        return (ArrayNode) stripDirectives(patch);
      }
      JsonNode id = item.get(key);
      if (id == null) {
        throw new PatchException(
            "map: " + item + " does not contain declared merge key: " + key, true);
      }
      int at = -1;
      for (int i = 0; i < out.size(); i++) {
        if (id.equals(out.get(i).get(key))) {
          at = i;
          break;
        }
      }
      if ("delete".equals(item.path("$patch").asString(""))) {
        if (at >= 0) {
          out.remove(at);
        }
        continue;
      }
      if (at >= 0) {
        JsonNode merged = mergeObject(kind, out.get(at), (ObjectNode) item, path);
        out.set(at, merged);
      } else {
        out.add(mergeObject(kind, null, (ObjectNode) item, path));
      }
    }
    return out;
  }

  /** {@code $setElementOrder}: listed items first, in the given order, then the others. */
  private static ArrayNode reorder(ArrayNode list, JsonNode order, String key) {
    List<JsonNode> ordered = new ArrayList<>();
    List<JsonNode> rest = new ArrayList<>();
    for (JsonNode i : list) {
      rest.add(i);
    }
    for (JsonNode o : order) {
      JsonNode want = key == null || key.isEmpty() ? o : o.get(key);
      for (Iterator<JsonNode> it = rest.iterator(); it.hasNext(); ) {
        JsonNode i = it.next();
        JsonNode have = key == null || key.isEmpty() ? i : i.get(key);
        if (want != null && want.equals(have)) {
          ordered.add(i);
          it.remove();
          break;
        }
      }
    }
    ArrayNode out = JsonNodeFactory.instance.arrayNode();
    ordered.forEach(out::add);
    rest.forEach(out::add);
    return out;
  }
}
