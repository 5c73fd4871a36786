package io.kubelab.cluster.apiserver;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * A list's continue token, in upstream's format: base64url of {@code
 * {"v":"meta.k8s.io/v1","rv":R,"start":"KEY"}}, where R is the revision the first page was read at
 * (later pages read the same snapshot) and KEY the key to start from, relative to the list's
 * prefix.
 *
 * <p>Upstream: {@code k8s.io/apiserver/pkg/storage/etcd3/store.go} ({@code encodeContinue}, {@code
 * decodeContinue}).
 */
record Continue(long revision, String startKey) {

  String encode() {
    ObjectNode o = Json.object();
    o.put("v", "meta.k8s.io/v1");
    o.put("rv", revision);
    o.put("start", startKey);
    return Base64.getUrlEncoder().encodeToString(Json.bytes(o));
  }

  /** The token's revision and absolute start key under {@code prefix}; 400 if malformed. */
  static Continue decode(String token, String prefix) {
    JsonNode o;
    try {
      o = Json.parse(new String(Base64.getUrlDecoder().decode(token), StandardCharsets.UTF_8));
    } catch (RuntimeException e) {
      throw ApiError.badRequest("continue key is not valid: " + e.getMessage());
    }
    if (!"meta.k8s.io/v1".equals(o.path("v").asString(""))) {
      throw ApiError.badRequest(
          "continue key is not valid: server does not recognize this encoded key");
    }
    long rv = o.path("rv").asLong(0);
    String start = o.path("start").asString("");
    if (rv <= 0 || start.isEmpty() || start.contains("..") || start.startsWith("/")) {
      throw ApiError.badRequest(
          "continue key is not valid: incorrect encoded start resourceVersion (version meta.k8s.io/v1)");
    }
    return new Continue(rv, prefix + start);
  }
}
