package io.kubelab.cluster.apiserver;

import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;

/**
 * {@code metav1.DeleteOptions}, from the body or the query: grace period, preconditions,
 * propagation policy.
 */
record DeleteOptions(
    Long gracePeriodSeconds,
    String uid,
    String resourceVersion,
    String propagationPolicy,
    Boolean orphanDependents) {

  static final DeleteOptions DEFAULT = new DeleteOptions(null, "", "", "", null);

  static DeleteOptions from(JsonNode body) {
    if (body == null || !body.isObject()) {
      return DEFAULT;
    }
    String policy = body.path("propagationPolicy").asString("");
    if (!policy.isEmpty() && !List.of("Orphan", "Background", "Foreground").contains(policy)) {
      throw ApiError.invalid(
          "meta.k8s.io",
          "DeleteOptions",
          "",
          List.of(
              FieldError.notSupported(
                  "propagationPolicy",
                  policy,
                  List.of("Foreground", "Background", "Orphan", "nil"))));
    }
    JsonNode g = body.path("gracePeriodSeconds");
    JsonNode o = body.path("orphanDependents");
    return new DeleteOptions(
        g.isNumber() ? g.asLong() : null,
        body.path("preconditions").path("uid").asString(""),
        body.path("preconditions").path("resourceVersion").asString(""),
        policy,
        o.isBoolean() ? o.asBoolean() : null);
  }

  /** Query parameters override the body, as upstream's handler does. */
  DeleteOptions withQuery(Map<String, String> q) {
    Long grace = gracePeriodSeconds;
    if (q.containsKey("gracePeriodSeconds")) {
      try {
        grace = Long.parseLong(q.get("gracePeriodSeconds"));
      } catch (NumberFormatException e) {
        throw ApiError.badRequest(
            "strconv.ParseInt: parsing "
                + Json.goQuote(q.get("gracePeriodSeconds"))
                + ": invalid syntax");
      }
    }
    String policy = q.getOrDefault("propagationPolicy", propagationPolicy);
    Boolean orphan = orphanDependents;
    if (q.containsKey("orphanDependents")) {
      orphan = Boolean.parseBoolean(q.get("orphanDependents"));
    }
    return copy(grace, uid, resourceVersion, policy, orphan);
  }

  private DeleteOptions copy(Long g, String u, String rv, String p, Boolean o) {
    if (!p.isEmpty() && !List.of("Orphan", "Background", "Foreground").contains(p)) {
      throw ApiError.invalid(
          "meta.k8s.io",
          "DeleteOptions",
          "",
          List.of(
              FieldError.notSupported(
                  "propagationPolicy", p, List.of("Foreground", "Background", "Orphan", "nil"))));
    }
    return new DeleteOptions(g, u, rv, p, o);
  }
}
