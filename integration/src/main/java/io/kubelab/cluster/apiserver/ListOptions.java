package io.kubelab.cluster.apiserver;

import java.util.Map;

/**
 * The query of a list or watch: {@code resourceVersion} (and {@code resourceVersionMatch}), {@code
 * limit}, {@code continue}, {@code watch}, {@code allowWatchBookmarks}, {@code timeoutSeconds}.
 *
 * <p>Upstream: {@code metav1.ListOptions} and its validation in {@code
 * k8s.io/apimachinery/pkg/apis/meta/internalversion/validation}.
 *
 * @param resourceVersion the parsed version, 0 when absent or "0"
 * @param resourceVersionSet whether the parameter was given (watch semantics differ for unset)
 * @param resourceVersionZero whether it was literally "0" ("any version", served from the cache)
 * @param exact {@code resourceVersionMatch=Exact}
 * @param timeoutSeconds 0 when absent
 */
record ListOptions(
    long resourceVersion,
    boolean resourceVersionSet,
    boolean resourceVersionZero,
    boolean exact,
    int limit,
    String continueToken,
    boolean watch,
    boolean bookmarks,
    long timeoutSeconds) {

  static ListOptions from(Map<String, String> q) {
    String rv = q.getOrDefault("resourceVersion", "");
    long parsed = 0;
    if (!rv.isEmpty()) {
      try {
        parsed = Long.parseLong(rv);
        if (parsed < 0) {
          throw new NumberFormatException();
        }
      } catch (NumberFormatException e) {
        throw ApiError.badRequest(
            "resourceVersion: Invalid value: " + Json.goQuote(rv) + ": must be a positive integer");
      }
    }
    String match = q.getOrDefault("resourceVersionMatch", "");
    if (!match.isEmpty() && !match.equals("Exact") && !match.equals("NotOlderThan")) {
      throw ApiError.badRequest(
          "resourceVersionMatch: Unsupported value: "
              + Json.goQuote(match)
              + ": supported values: \"Exact\", \"NotOlderThan\", \"\"");
    }
    String cont = q.getOrDefault("continue", "");
    if (match.equals("Exact") && (parsed == 0)) {
      throw ApiError.badRequest(
          "resourceVersionMatch: Forbidden: resourceVersionMatch \"exact\" is forbidden for"
              + " resourceVersion \"0\"");
    }
    boolean watch = truthy(q.get("watch"));
    return new ListOptions(
        parsed,
        !rv.isEmpty(),
        rv.equals("0"),
        match.equals("Exact"),
        (int) Math.min(Integer.MAX_VALUE, number(q, "limit")),
        cont,
        watch,
        truthy(q.get("allowWatchBookmarks")),
        number(q, "timeoutSeconds"));
  }

  private static boolean truthy(String v) {
    return v != null && (v.equals("true") || v.equals("1"));
  }

  private static long number(Map<String, String> q, String name) {
    String v = q.get(name);
    if (v == null || v.isEmpty()) {
      return 0;
    }
    try {
      return Math.max(0, Long.parseLong(v));
    } catch (NumberFormatException e) {
      throw ApiError.badRequest(
          "strconv.ParseInt: parsing " + Json.goQuote(v) + ": invalid syntax");
    }
  }
}
