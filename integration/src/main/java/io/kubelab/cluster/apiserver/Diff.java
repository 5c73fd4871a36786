package io.kubelab.cluster.apiserver;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;
import tools.jackson.databind.JsonNode;

/**
 * A short account of how two JSON trees differ, one line per changed path: what upstream's
 * immutable-spec message appends (there {@code diff.ObjectDiff} of the Go structs).
 */
final class Diff {
  private Diff() {}

  static String of(JsonNode a, JsonNode b) {
    List<String> lines = new ArrayList<>();
    walk("spec", a, b, lines);
    return String.join("\n", lines);
  }

  private static void walk(String path, JsonNode a, JsonNode b, List<String> out) {
    if (a.equals(b)) {
      return;
    }
    if (a.isObject() && b.isObject()) {
      TreeSet<String> keys = new TreeSet<>();
      a.propertyNames().forEach(keys::add);
      b.propertyNames().forEach(keys::add);
      for (String k : keys) {
        walk(path + "." + k, a.path(k), b.path(k), out);
      }
      return;
    }
    if (a.isArray() && b.isArray() && a.size() == b.size()) {
      for (int i = 0; i < a.size(); i++) {
        walk(path + "[" + i + "]", a.get(i), b.get(i), out);
      }
      return;
    }
    out.add(path + ": " + render(a) + " -> " + render(b));
  }

  private static String render(JsonNode n) {
    return n.isMissingNode() ? "<unset>" : n.toString();
  }
}
