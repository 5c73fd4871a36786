package io.kubelab.cluster.apiserver;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The discovery documents clients read before they make a call: {@code /version}, {@code /api}
 * (APIVersions), {@code /apis} (APIGroupList), {@code /apis/GROUP} (APIGroup) and the resource
 * lists of {@code /api/v1} and {@code /apis/GROUP/VERSION} (APIResourceList), with each resource's
 * verbs, short names, categories and subresources: what kubectl needs to map {@code po} to {@code
 * pods} and find {@code deployments/scale}.
 *
 * <p>Upstream: {@code k8s.io/apiserver/pkg/endpoints/discovery} and the {@code APIResource}s that
 * {@code k8s.io/apiserver/pkg/endpoints/installer.go} registers.
 */
final class Discovery {

  /** The version this server reports; its API is that of v1.20. */
  static final String GIT_VERSION = "v1.20.2-kubelab";

  private final String serverAddress;

  Discovery(String serverAddress) {
    this.serverAddress = serverAddress;
  }

  static ObjectNode version() {
    ObjectNode v = Json.object();
    v.put("major", "1");
    v.put("minor", "20");
    v.put("gitVersion", GIT_VERSION);
    v.put("gitCommit", "");
    v.put("gitTreeState", "clean");
    v.put("buildDate", "1970-01-01T00:00:00Z");
    v.put("goVersion", "java" + Runtime.version().feature());
    v.put("compiler", "javac");
    v.put(
        "platform",
        System.getProperty("os.name").toLowerCase() + "/" + System.getProperty("os.arch"));
    return v;
  }

  ObjectNode api() {
    ObjectNode o = Json.object();
    o.put("kind", "APIVersions");
    o.putArray("versions").add("v1");
    addressByCidr(o);
    return o;
  }

  private void addressByCidr(ObjectNode o) {
    ObjectNode a = o.putArray("serverAddressByClientCIDRs").addObject();
    a.put("clientCIDR", "0.0.0.0/0");
    a.put("serverAddress", serverAddress);
  }

  /** Groups other than core, in order, with their versions. */
  static Map<String, List<String>> groups() {
    Map<String, List<String>> g = new LinkedHashMap<>();
    for (ResourceType t : Kinds.ALL) {
      if (!t.group().isEmpty()) {
        List<String> vs = g.computeIfAbsent(t.group(), k -> new ArrayList<>());
        if (!vs.contains(t.version())) {
          vs.add(t.version());
        }
      }
    }
    return g;
  }

  ObjectNode apis() {
    ObjectNode o = Json.object();
    o.put("kind", "APIGroupList");
    o.put("apiVersion", "v1");
    ArrayNode groups = o.putArray("groups");
    for (Map.Entry<String, List<String>> g : groups().entrySet()) {
      groups.add(group(g.getKey(), g.getValue(), false));
    }
    return o;
  }

  ObjectNode group(String name, List<String> versions, boolean standalone) {
    ObjectNode o = Json.object();
    if (standalone) {
      o.put("kind", "APIGroup");
      o.put("apiVersion", "v1");
    }
    o.put("name", name);
    ArrayNode vs = o.putArray("versions");
    for (String v : versions) {
      ObjectNode x = vs.addObject();
      x.put("groupVersion", name + "/" + v);
      x.put("version", v);
    }
    ObjectNode pref = o.putObject("preferredVersion");
    pref.put("groupVersion", name + "/" + versions.get(0));
    pref.put("version", versions.get(0));
    if (standalone) {
      addressByCidr(o);
    }
    return o;
  }

  /** The APIResourceList of one group version, or null if none is served. */
  static ObjectNode resources(String group, String version) {
    ObjectNode o = Json.object();
    o.put("kind", "APIResourceList");
    // Upstream's /apis/GROUP/VERSION lists carry apiVersion v1; the core /api/v1 list does not.
    if (!group.isEmpty()) {
      o.put("apiVersion", "v1");
    }
    o.put("groupVersion", group.isEmpty() ? version : group + "/" + version);
    ArrayNode rs = o.putArray("resources");
    boolean any = false;
    for (ResourceType t : Kinds.ALL) {
      if (!t.group().equals(group) || !t.version().equals(version)) {
        continue;
      }
      any = true;
      ObjectNode r = rs.addObject();
      r.put("name", t.resource());
      r.put("singularName", "");
      r.put("namespaced", t.namespaced());
      r.put("kind", t.kind());
      ArrayNode verbs = r.putArray("verbs");
      for (String v :
          List.of(
              "create", "delete", "deletecollection", "get", "list", "patch", "update", "watch")) {
        verbs.add(v);
      }
      if (!t.shortNames().isEmpty()) {
        ArrayNode sn = r.putArray("shortNames");
        t.shortNames().forEach(sn::add);
      }
      if (!t.categories().isEmpty()) {
        ArrayNode cs = r.putArray("categories");
        t.categories().forEach(cs::add);
      }
      for (String sub : List.of("binding", "eviction", "scale", "status")) {
        if (!t.subresources().contains(sub)) {
          continue;
        }
        ObjectNode s = rs.addObject();
        s.put("name", t.resource() + "/" + sub);
        s.put("singularName", "");
        s.put("namespaced", t.namespaced());
        switch (sub) {
          case "binding" -> {
            s.put("kind", "Binding");
            s.putArray("verbs").add("create");
          }
          case "eviction" -> {
            s.put("group", "policy");
            s.put("version", "v1beta1");
            s.put("kind", "Eviction");
            s.putArray("verbs").add("create");
          }
          case "scale" -> {
            s.put("group", "autoscaling");
            s.put("version", "v1");
            s.put("kind", "Scale");
            s.putArray("verbs").add("get").add("patch").add("update");
          }
          default -> {
            s.put("kind", t.kind());
            s.putArray("verbs").add("get").add("patch").add("update");
          }
        }
      }
    }
    if (group.isEmpty() && version.equals("v1")) {
      ObjectNode b = rs.addObject();
      b.put("name", "bindings");
      b.put("singularName", "");
      b.put("namespaced", true);
      b.put("kind", "Binding");
      b.putArray("verbs").add("create");
    }
    return any ? o : null;
  }
}
