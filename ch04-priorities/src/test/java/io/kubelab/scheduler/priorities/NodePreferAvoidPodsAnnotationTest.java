package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.priorities.NodePreferAvoidPods.getAvoidPodsFromNodeAnnotations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.priorities.NodePreferAvoidPods.PodController;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * How the {@code scheduler.alpha.kubernetes.io/preferAvoidPods} annotation is decoded: as Go's
 * {@code json.Unmarshal} into {@code v1.AvoidPods} would ({@code GetAvoidPodsFromNodeAnnotations}
 * in {@code pkg/apis/core/v1/helper/helpers.go}), an error for a value of the wrong type.
 */
class NodePreferAvoidPodsAnnotationTest {

  private static List<PodController> decode(String annotation) {
    return getAvoidPodsFromNodeAnnotations(
        Map.of(NodePreferAvoidPods.PREFER_AVOID_PODS_ANNOTATION_KEY, annotation));
  }

  private static String entry(String controller) {
    return "{\"podSignature\": {\"podController\": " + controller + "}}";
  }

  private static final String RS_U1 = entry("{\"kind\": \"ReplicaSet\", \"uid\": \"u1\"}");

  @Test
  void noAnnotationsOrAnEmptyOneListNothing() {
    assertThat(getAvoidPodsFromNodeAnnotations(null)).isEmpty();
    assertThat(getAvoidPodsFromNodeAnnotations(Map.of())).isEmpty();
    assertThat(decode("")).isEmpty();
    assertThat(decode("{}")).isEmpty();
    assertThat(decode("{\"preferAvoidPods\": null}")).isEmpty();
  }

  @Test
  void entriesWithoutASignatureOrControllerAreSkipped() {
    assertThat(
            decode(
                "{\"preferAvoidPods\": [null, {}, {\"podSignature\": null}, {\"podSignature\": {}},"
                    + entry("null")
                    + ", "
                    + RS_U1
                    + "]}"))
        .containsExactly(new PodController("ReplicaSet", "u1"));
  }

  @Test
  void aMissingOrNullKindOrUidReadsAsEmpty() {
    assertThat(
            decode(
                "{\"preferAvoidPods\": ["
                    + entry("{\"uid\": \"u1\"}")
                    + ", "
                    + entry("{\"kind\": \"ReplicaSet\", \"uid\": null}")
                    + "]}"))
        .containsExactly(new PodController("", "u1"), new PodController("ReplicaSet", ""));
  }

  @Test
  void aValueOfTheWrongTypeIsAnErrorEvenNextToAGoodEntry() {
    for (String bad :
        List.of(
            "[" + RS_U1 + "]",
            "{\"preferAvoidPods\": " + RS_U1 + "}",
            "{\"preferAvoidPods\": [1, " + RS_U1 + "]}",
            "{\"preferAvoidPods\": [{\"podSignature\": []}, " + RS_U1 + "]}",
            "{\"preferAvoidPods\": [" + entry("3") + ", " + RS_U1 + "]}",
            "{\"preferAvoidPods\": [" + entry("{\"kind\": 7}") + ", " + RS_U1 + "]}")) {
      assertThatThrownBy(() -> decode(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining("has the wrong type");
    }
    assertThatThrownBy(() -> decode("{\"preferAvoidPods\": [" + entry("{\"uid\": 7}") + "]}"))
        .hasMessage("preferAvoidPods annotation: uid has the wrong type: 7");
  }

  @Test
  void aNodeWhoseAnnotationHasAWrongTypeDoesNotRepelThePod() {
    // Upstream's Unmarshal fails as a whole, so even the matching entry is not seen.
    Node node = Fixtures.node("m").build();
    node.getMetadata()
        .setAnnotations(
            Map.of(
                NodePreferAvoidPods.PREFER_AVOID_PODS_ANNOTATION_KEY,
                "{\"preferAvoidPods\": [1, " + RS_U1 + "]}"));
    assertThat(
            NodePreferAvoidPods.calculateNodePreferAvoidPodsPriorityMap(
                owned("ReplicaSet", "u1"), null, nodeInfo(node)))
        .isEqualTo(100);
  }

  @Test
  void aPodOfAnotherControllerKindIsNotRepelledEvenByItsOwnEntry() {
    Node node = Fixtures.node("m").build();
    node.getMetadata()
        .setAnnotations(
            Map.of(
                NodePreferAvoidPods.PREFER_AVOID_PODS_ANNOTATION_KEY,
                "{\"preferAvoidPods\": ["
                    + entry("{\"kind\": \"StatefulSet\", \"uid\": \"u1\"}")
                    + ", "
                    + entry("{\"kind\": \"Job\", \"uid\": \"u2\"}")
                    + "]}"));
    NodeInfo nodeInfo = nodeInfo(node);
    assertThat(
            NodePreferAvoidPods.calculateNodePreferAvoidPodsPriorityMap(
                owned("StatefulSet", "u1"), null, nodeInfo))
        .isEqualTo(100);
    assertThat(
            NodePreferAvoidPods.calculateNodePreferAvoidPodsPriorityMap(
                owned("Job", "u2"), null, nodeInfo))
        .isEqualTo(100);
  }

  @Test
  void aPodWithoutOwnersScoresTheMaximum() {
    Pod pod = Fixtures.pod("p").build();
    pod.getMetadata().setOwnerReferences(null);
    assertThat(NodePreferAvoidPods.getControllerOf(pod)).isNull();
    Node node = Fixtures.node("m").build();
    node.getMetadata()
        .setAnnotations(
            Map.of(
                NodePreferAvoidPods.PREFER_AVOID_PODS_ANNOTATION_KEY,
                "{\"preferAvoidPods\": [" + RS_U1 + "]}"));
    assertThat(
            NodePreferAvoidPods.calculateNodePreferAvoidPodsPriorityMap(pod, null, nodeInfo(node)))
        .isEqualTo(100);
  }

  private static NodeInfo nodeInfo(Node node) {
    NodeInfo n = new NodeInfo();
    n.setNode(node);
    return n;
  }

  private static Pod owned(String kind, String uid) {
    Pod p = Fixtures.pod("p").build();
    OwnerReference o = new OwnerReference();
    o.setKind(kind);
    o.setName("foo");
    o.setUid(uid);
    o.setController(true);
    p.getMetadata().setOwnerReferences(List.of(o));
    return p;
  }
}
