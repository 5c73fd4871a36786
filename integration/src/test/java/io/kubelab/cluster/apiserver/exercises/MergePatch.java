package io.kubelab.cluster.apiserver.exercises;

import tools.jackson.databind.JsonNode;

/**
 * Write it: JSON merge patch (RFC 7386), the simplest of the three patch formats the API server
 * accepts ({@code kubectl patch --type merge}, {@code Content-Type: application/merge-patch+json}).
 * The server's own version is {@code Patches.mergePatch}; write this one without looking.
 *
 * <p>Rules: if the patch is not an object, it replaces the target. Otherwise the result is the
 * target as an object (an empty one if the target is not an object), where each member of the patch
 * whose value is null removes that member, and every other member is merged recursively into the
 * target's member of the same name. Neither argument may be changed.
 */
public final class MergePatch {
  private MergePatch() {}

  public static JsonNode apply(JsonNode target, JsonNode patch) {
    throw new UnsupportedOperationException("exercise");
  }
}
