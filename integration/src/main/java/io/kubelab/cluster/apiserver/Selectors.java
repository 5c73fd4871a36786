package io.kubelab.cluster.apiserver;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.kubelab.apimachinery.labels.LabelSelectors;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * The {@code labelSelector} and {@code fieldSelector} of a list or watch, parsed from their string
 * form ({@code app=web,tier!=db,env in (prod,qa),!canary}; {@code spec.nodeName=n1}).
 *
 * <p>Upstream: {@code k8s.io/apimachinery/pkg/labels/selector.go} ({@code Parse}: =, ==, !=, in,
 * notin, exists, !exists) and {@code k8s.io/apimachinery/pkg/fields/selector.go} ({@code
 * ParseSelector}: =, ==, !=); a field a kind does not support is a 400, as upstream's {@code
 * fieldLabelConversionFunc} answers.
 */
final class Selectors {

  private record Req(String key, String op, Set<String> values) {
    boolean matches(Map<String, String> m) {
      String v = m.get(key);
      return switch (op) {
        case "=", "==", "in" -> v != null && values.contains(v);
        case "!=", "notin" -> v == null || !values.contains(v);
        case "exists" -> v != null;
        case "!" -> v == null;
        default -> false;
      };
    }
  }

  private final List<Req> labels;
  private final List<Req> fields;

  private Selectors(List<Req> labels, List<Req> fields) {
    this.labels = labels;
    this.fields = fields;
  }

  /** Kinds with their own field label conversion in pkg/apis/core/v1/conversion.go. */
  private static final Set<String> OWN_FIELD_LABEL_CONVERSION =
      Set.of("Pod", "Node", "ReplicationController", "Event", "Namespace", "Secret");

  static final Selectors EVERYTHING = new Selectors(List.of(), List.of());

  boolean empty() {
    return labels.isEmpty() && fields.isEmpty();
  }

  /** Parses both selectors; a malformed one is a 400. */
  static Selectors parse(ResourceType t, String labelSelector, String fieldSelector) {
    List<Req> l = parseLabels(labelSelector);
    List<Req> f = parseFields(fieldSelector);
    for (Req r : f) {
      boolean known =
          r.key().equals("metadata.name")
              || (r.key().equals("metadata.namespace") && t.namespaced())
              || t.fields().apply(Json.object()).containsKey(r.key())
              || sampleFields(t).contains(r.key());
      if (!known) {
        // The scheme's field label conversion: core/v1 registers its own for these kinds;
        // every other kind gets runtime.DefaultMetaV1FieldSelectorConversion.
        throw ApiError.badRequest(
            OWN_FIELD_LABEL_CONVERSION.contains(t.kind())
                ? "field label not supported: " + r.key()
                : "\""
                    + r.key()
                    + "\" is not a known field selector: only \"metadata.name\","
                    + " \"metadata.namespace\"");
      }
    }
    return new Selectors(l, f);
  }

  private static Set<String> sampleFields(ResourceType t) {
    return t.fields().apply(Json.object()).keySet();
  }

  boolean matches(ResourceType t, JsonNode o) {
    if (!labels.isEmpty()) {
      Map<String, String> m = new HashMap<>();
      for (Map.Entry<String, JsonNode> e : o.path("metadata").path("labels").properties()) {
        m.put(e.getKey(), e.getValue().asString(""));
      }
      for (Req r : labels) {
        if (!r.matches(m)) {
          return false;
        }
      }
    }
    if (!fields.isEmpty()) {
      Map<String, String> m = new HashMap<>(t.fields().apply(o));
      m.put("metadata.name", o.path("metadata").path("name").asString(""));
      if (t.namespaced()) {
        m.put("metadata.namespace", o.path("metadata").path("namespace").asString(""));
      }
      for (Req r : fields) {
        String v = m.getOrDefault(r.key(), "");
        boolean eq = r.values().contains(v);
        if (r.op().equals("!=") ? eq : !eq) {
          return false;
        }
      }
    }
    return true;
  }

  private static List<Req> parseFields(String s) {
    List<Req> out = new ArrayList<>();
    if (s == null || s.isBlank()) {
      return out;
    }
    for (String term : s.split(",")) {
      String op;
      int i;
      if ((i = term.indexOf("!=")) >= 0) {
        op = "!=";
      } else if ((i = term.indexOf("==")) >= 0) {
        op = "==";
      } else if ((i = term.indexOf('=')) >= 0) {
        op = "=";
      } else {
        throw ApiError.badRequest("invalid selector: '" + s + "'; can't understand '" + term + "'");
      }
      String key = term.substring(0, i).trim();
      String value = term.substring(i + op.length()).trim();
      out.add(new Req(key, op, Set.of(value)));
    }
    return out;
  }

  /** {@code labels.Parse}. */
  static List<Req> parseLabels(String s) {
    List<Req> out = new ArrayList<>();
    if (s == null || s.isBlank()) {
      return out;
    }
    int i = 0;
    int n = s.length();
    while (i < n) {
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      boolean not = false;
      if (i < n && s.charAt(i) == '!') {
        not = true;
        i++;
      }
      int k = i;
      while (i < n && "=!, (".indexOf(s.charAt(i)) < 0) {
        i++;
      }
      String key = s.substring(k, i).trim();
      if (key.isEmpty()) {
        throw ApiError.badRequest(
            "unable to parse requirement: found '" + s + "', expected: identifier");
      }
      checkLabelKey(key);
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      if (not) {
        out.add(new Req(key, "!", Set.of()));
      } else if (i >= n || s.charAt(i) == ',') {
        out.add(new Req(key, "exists", Set.of()));
      } else if (s.startsWith("!=", i) || s.startsWith("==", i) || s.charAt(i) == '=') {
        String op = s.startsWith("!=", i) ? "!=" : s.startsWith("==", i) ? "==" : "=";
        i += op.length();
        int v = i;
        while (i < n && s.charAt(i) != ',') {
          i++;
        }
        out.add(new Req(key, op, Set.of(s.substring(v, i).trim())));
      } else if (s.startsWith("in", i) || s.startsWith("notin", i)) {
        String op = s.startsWith("in", i) ? "in" : "notin";
        i += op.length();
        while (i < n && s.charAt(i) == ' ') {
          i++;
        }
        if (i >= n || s.charAt(i) != '(') {
          throw ApiError.badRequest(
              "unable to parse requirement: found '" + s + "', expected: '('");
        }
        int close = s.indexOf(')', i);
        if (close < 0) {
          throw ApiError.badRequest(
              "unable to parse requirement: found '" + s + "', expected: ')'");
        }
        Set<String> values = new TreeSet<>();
        for (String v : s.substring(i + 1, close).split(",")) {
          if (!v.isBlank()) {
            values.add(v.trim());
          }
        }
        out.add(new Req(key, op, values));
        i = close + 1;
      } else {
        throw ApiError.badRequest(
            "unable to parse requirement: found '"
                + s.substring(i)
                + "', expected: in, notin, =,"
                + " ==, !=, gt, lt");
      }
      while (i < n && s.charAt(i) == ' ') {
        i++;
      }
      if (i < n && s.charAt(i) == ',') {
        i++;
      }
    }
    return out;
  }

  private static void checkLabelKey(String key) {
    List<FieldError> errs = new ArrayList<>();
    tools.jackson.databind.node.ObjectNode m = Json.object();
    m.put(key, "");
    Validation.labels(m, "key", errs);
    if (!errs.isEmpty()) {
      throw ApiError.badRequest("unable to parse requirement: " + errs.get(0).body());
    }
  }

  /** Matches a {@code metav1.LabelSelector} (as JSON) against labels, with apimachinery's rules. */
  interface LabelMatcher {
    boolean selectorMatches(JsonNode selector, JsonNode labels);
  }

  static final LabelMatcher LABEL_SELECTORS =
      (selector, labels) -> {
        if (selector.isMissingNode() || selector.isNull()) {
          return false; // a PDB without a selector matches nothing
        }
        LabelSelector ls = Json.LENIENT.treeToValue(selector, LabelSelector.class);
        Map<String, String> m = new HashMap<>();
        for (Map.Entry<String, JsonNode> e : labels.properties()) {
          m.put(e.getKey(), e.getValue().asString(""));
        }
        try {
          return LabelSelectors.compile(ls, "spec.selector").matches(m);
        } catch (LabelSelectors.InvalidSelectorException e) {
          return false;
        }
      };

  /** {@code metav1.FormatLabelSelector} for the matchLabels part: {@code app=web,tier=db}. */
  static String selectorString(JsonNode selector) {
    List<String> parts = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e : selector.path("matchLabels").properties()) {
      parts.add(e.getKey() + "=" + e.getValue().asString(""));
    }
    for (JsonNode r : selector.path("matchExpressions")) {
      List<String> vs = new ArrayList<>();
      r.path("values").forEach(v -> vs.add(v.asString("")));
      String op = r.path("operator").asString("");
      String key = r.path("key").asString("");
      parts.add(
          switch (op) {
            case "Exists" -> key;
            case "DoesNotExist" -> "!" + key;
            case "NotIn" -> key + " notin (" + String.join(",", vs) + ")";
            default -> key + " in (" + String.join(",", vs) + ")";
          });
    }
    return String.join(",", parts);
  }
}
