package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.algorithm.NodeScoreList.MAX_NODE_SCORE;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * NodePreferAvoidPodsPriority: a node can ask, by annotation, that pods of a given
 * ReplicationController or ReplicaSet stay away; such a node scores 0 for those pods and 100 for
 * every other pod. Registered with weight 10000, so that it outweighs everything else.
 *
 * <p>Upstream: {@code node_prefer_avoid_pods.go} and {@code GetAvoidPodsFromNodeAnnotations} in
 * {@code pkg/apis/core/v1/helper/helpers.go} (v1.17). Only a controller reference (the owner with
 * {@code controller: true}) of kind ReplicationController or ReplicaSet is looked at; an entry of
 * the annotation's {@code preferAvoidPods} list matches when its {@code podSignature.podController}
 * has the same kind and UID. An annotation that does not parse counts as no annotation.
 */
public final class NodePreferAvoidPods {

  private NodePreferAvoidPods() {}

  /** {@code v1.PreferAvoidPodsAnnotationKey}. */
  public static final String PREFER_AVOID_PODS_ANNOTATION_KEY =
      "scheduler.alpha.kubernetes.io/preferAvoidPods";

  private static final ObjectMapper JSON = JsonMapper.builder().build();

  /**
   * One entry's controller.
   *
   * @param kind its kind
   * @param uid its UID
   */
  record PodController(String kind, String uid) {}

  /** {@code CalculateNodePreferAvoidPodsPriorityMap}. */
  public static long calculateNodePreferAvoidPodsPriorityMap(
      Pod pod, PriorityMetadata meta, NodeInfo nodeInfo) {
    Node node = Priorities.requireNode(nodeInfo);
    OwnerReference controllerRef =
        meta instanceof PodPriorityMetadata m ? m.controllerRef() : getControllerOf(pod);
    if (controllerRef != null && !avoidable(controllerRef)) {
      // Pods of other controllers are ignored.
      controllerRef = null;
    }
    if (controllerRef == null) {
      return MAX_NODE_SCORE;
    }
    List<PodController> avoids;
    try {
      avoids = getAvoidPodsFromNodeAnnotations(node.getMetadata().getAnnotations());
    } catch (IllegalArgumentException e) {
      // "If we cannot get annotation, assume it's schedulable there."
      return MAX_NODE_SCORE;
    }
    for (PodController avoid : avoids) {
      if (controllerRef.getKind().equals(avoid.kind())
          && String.valueOf(controllerRef.getUid()).equals(avoid.uid())) {
        return 0;
      }
    }
    return MAX_NODE_SCORE;
  }

  /** A ReplicationController or a ReplicaSet: the controllers a node can ask to avoid. */
  private static boolean avoidable(OwnerReference controllerRef) {
    return "ReplicationController".equals(controllerRef.getKind())
        || "ReplicaSet".equals(controllerRef.getKind());
  }

  /**
   * True when no node can ask to avoid the pod (it has no ReplicationController or ReplicaSet
   * controller): the map then gives every node {@value #MAX_NODE_SCORE} without reading it.
   */
  public static boolean everyNodeScoresMax(Pod pod) {
    OwnerReference controllerRef = getControllerOf(pod);
    return controllerRef == null || !avoidable(controllerRef);
  }

  /** {@code metav1.GetControllerOf}: the first owner reference with {@code controller: true}. */
  static OwnerReference getControllerOf(Pod pod) {
    List<OwnerReference> refs = pod.getMetadata().getOwnerReferences();
    if (refs == null) {
      return null;
    }
    for (OwnerReference r : refs) {
      if (Boolean.TRUE.equals(r.getController())) {
        return r;
      }
    }
    return null;
  }

  /**
   * The controllers listed in the node's {@code preferAvoidPods} annotation; empty when there is
   * none. Decoded as Go's {@code json.Unmarshal} into {@code v1.AvoidPods} would: unknown fields
   * are ignored, a value of the wrong type is an error. An entry without {@code podController}
   * matches no pod (upstream would dereference a nil pointer).
   *
   * @throws IllegalArgumentException when the annotation is not a valid {@code AvoidPods}
   */
  static List<PodController> getAvoidPodsFromNodeAnnotations(Map<String, String> annotations) {
    if (annotations == null) {
      return List.of();
    }
    String text = annotations.get(PREFER_AVOID_PODS_ANNOTATION_KEY);
    if (text == null || text.isEmpty()) {
      return List.of();
    }
    JsonNode root;
    try {
      root = JSON.readTree(text);
    } catch (JacksonException e) {
      throw new IllegalArgumentException(
          "preferAvoidPods annotation: " + e.getOriginalMessage(), e);
    }
    requireType(root, JsonNode::isObject, "AvoidPods");
    JsonNode list = root.get("preferAvoidPods");
    if (list == null || list.isNull()) {
      return List.of();
    }
    requireType(list, JsonNode::isArray, "preferAvoidPods");
    List<PodController> out = new ArrayList<>();
    for (JsonNode entry : list) {
      if (entry.isNull()) {
        continue;
      }
      requireType(entry, JsonNode::isObject, "preferAvoidPods[]");
      JsonNode signature = entry.get("podSignature");
      if (signature == null || signature.isNull()) {
        continue;
      }
      requireType(signature, JsonNode::isObject, "podSignature");
      JsonNode controller = signature.get("podController");
      if (controller == null || controller.isNull()) {
        continue;
      }
      requireType(controller, JsonNode::isObject, "podController");
      out.add(new PodController(string(controller, "kind"), string(controller, "uid")));
    }
    return out;
  }

  private static String string(JsonNode object, String field) {
    JsonNode v = object.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    requireType(v, JsonNode::isString, field);
    return v.asString();
  }

  private static void requireType(
      JsonNode n, java.util.function.Predicate<JsonNode> ok, String field) {
    if (!ok.test(n)) {
      throw new IllegalArgumentException(
          "preferAvoidPods annotation: " + field + " has the wrong type: " + n);
    }
  }
}
