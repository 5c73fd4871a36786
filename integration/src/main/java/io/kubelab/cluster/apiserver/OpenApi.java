package io.kubelab.cluster.apiserver;

import java.util.List;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A minimal OpenAPI v3 description: for each served group version, the PATCH operation of each
 * resource, tagged with its group-version-kind and declaring the {@code fieldValidation} query
 * parameter. That is what kubectl (1.27 and later) reads to decide that the server validates fields
 * itself ({@code --validate=strict} then sends {@code fieldValidation=Strict} instead of validating
 * against a downloaded schema).
 *
 * <p>Upstream serves the full schema of every type at {@code /openapi/v2} (and, from v1.23, {@code
 * /openapi/v3}); {@code k8s.io/cli-runtime/pkg/resource/query_param_verifier_v3.go} is the reader
 * this is shaped for. No type schemas are served: kubectl's {@code apply} then computes its
 * strategic merge patches from its compiled-in types, as it does for any server without them.
 */
final class OpenApi {

  private OpenApi() {}

  /** {@code /openapi/v3}: where each group version's document is. */
  static ObjectNode root() {
    ObjectNode o = Json.object();
    ObjectNode paths = o.putObject("paths");
    paths.putObject("api/v1").put("serverRelativeURL", "/openapi/v3/api/v1");
    for (var g : Discovery.groups().entrySet()) {
      for (String v : g.getValue()) {
        String p = "apis/" + g.getKey() + "/" + v;
        paths.putObject(p).put("serverRelativeURL", "/openapi/v3/" + p);
      }
    }
    return o;
  }

  /** {@code /openapi/v3/api/v1} or {@code /openapi/v3/apis/GROUP/VERSION}; null if not served. */
  static ObjectNode groupVersion(String group, String version) {
    ObjectNode o = Json.object();
    o.put("openapi", "3.0.0");
    ObjectNode info = o.putObject("info");
    info.put("title", "Kubernetes");
    info.put("version", Discovery.GIT_VERSION);
    ObjectNode paths = o.putObject("paths");
    boolean any = false;
    for (ResourceType t : Kinds.ALL) {
      if (!t.group().equals(group) || !t.version().equals(version)) {
        continue;
      }
      any = true;
      String base = (group.isEmpty() ? "/api/" : "/apis/" + group + "/") + version;
      String path =
          base + (t.namespaced() ? "/namespaces/{namespace}/" : "/") + t.resource() + "/{name}";
      ObjectNode patch = paths.putObject(path).putObject("patch");
      patch.put("operationId", "patch" + t.kind());
      ObjectNode gvk = patch.putObject("x-kubernetes-group-version-kind");
      gvk.put("group", t.group());
      gvk.put("version", t.version());
      gvk.put("kind", t.kind());
      patch.put("x-kubernetes-action", "patch");
      ArrayNode params = patch.putArray("parameters");
      for (String q : List.of("dryRun", "fieldManager", "fieldValidation", "force")) {
        ObjectNode p = params.addObject();
        p.put("name", q);
        p.put("in", "query");
        p.putObject("schema").put("type", q.equals("force") ? "boolean" : "string");
      }
      patch.putObject("responses").putObject("200").put("description", "OK");
    }
    return any ? o : null;
  }
}
