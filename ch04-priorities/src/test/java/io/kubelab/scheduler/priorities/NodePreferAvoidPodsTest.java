package io.kubelab.scheduler.priorities;

import static io.kubelab.scheduler.priorities.TestSupport.expect;
import static io.kubelab.scheduler.priorities.TestSupport.run;
import static io.kubelab.scheduler.priorities.TestSupport.runWithMetadata;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Upstream's {@code TestNodePreferAvoidPriority}, and how the annotation is read. */
class NodePreferAvoidPodsTest {

  private static String avoid(String kind, String uid) {
    return """
        {
            "preferAvoidPods": [
                {
                    "podSignature": {
                        "podController": {
                            "apiVersion": "v1",
                            "kind": "%s",
                            "name": "foo",
                            "uid": "%s",
                            "controller": true
                        }
                    },
                    "reason": "some reason",
                    "message": "some message"
                }
            ]
        }"""
        .formatted(kind, uid);
  }

  private static Node node(String name, String annotation) {
    Node n = Fixtures.node(name).build();
    if (annotation != null) {
      Map<String, String> a = new LinkedHashMap<>();
      a.put(NodePreferAvoidPods.PREFER_AVOID_PODS_ANNOTATION_KEY, annotation);
      n.getMetadata().setAnnotations(a);
    }
    return n;
  }

  private static final List<Node> NODES =
      List.of(
          node("machine1", avoid("ReplicationController", "abcdef123456")),
          node("machine2", avoid("ReplicaSet", "qwert12345")),
          node("machine3", null));

  private static Pod owned(String kind, String uid, Boolean controller) {
    Pod p = Fixtures.pod("p").build();
    OwnerReference o = new OwnerReference();
    o.setKind(kind);
    o.setName("foo");
    o.setUid(uid);
    o.setController(controller);
    p.getMetadata().setOwnerReferences(new ArrayList<>(List.of(o)));
    return p;
  }

  private static Map<String, Long> score(Pod pod, List<Node> nodes) {
    Map<String, Long> without =
        run(
            NodePreferAvoidPods::calculateNodePreferAvoidPodsPriorityMap,
            null,
            null,
            pod,
            List.of(),
            nodes);
    assertThat(
            runWithMetadata(
                NodePreferAvoidPods::calculateNodePreferAvoidPodsPriorityMap,
                null,
                pod,
                List.of(),
                nodes))
        .isEqualTo(without);
    return without;
  }

  @Test
  void aReplicationControllersPodAvoidsTheNodeThatAsks() {
    assertThat(score(owned("ReplicationController", "abcdef123456", true), NODES))
        .isEqualTo(expect("machine1", 0, "machine2", 100, "machine3", 100));
  }

  @Test
  void ownershipByAnotherKindOfControllerIsIgnored() {
    assertThat(score(owned("RandomController", "abcdef123456", true), NODES))
        .isEqualTo(expect("machine1", 100, "machine2", 100, "machine3", 100));
  }

  @Test
  void anOwnerThatIsNotTheControllerIsIgnored() {
    assertThat(score(owned("ReplicationController", "abcdef123456", null), NODES))
        .isEqualTo(expect("machine1", 100, "machine2", 100, "machine3", 100));
  }

  @Test
  void aReplicaSetsPodAvoidsTheNodeThatAsks() {
    assertThat(score(owned("ReplicaSet", "qwert12345", true), NODES))
        .isEqualTo(expect("machine1", 100, "machine2", 0, "machine3", 100));
  }

  @Test
  void kindAndUidMustBothMatch() {
    assertThat(score(owned("ReplicaSet", "abcdef123456", true), NODES))
        .isEqualTo(expect("machine1", 100, "machine2", 100, "machine3", 100));
  }

  @Test
  void anAnnotationThatDoesNotParseCountsAsNone() {
    Pod pod = owned("ReplicaSet", "qwert12345", true);
    for (String bad :
        List.of(
            "{",
            "[]",
            "{\"preferAvoidPods\": {}}",
            "{\"preferAvoidPods\": [1]}",
            "{\"preferAvoidPods\": [{\"podSignature\": []}]}",
            "{\"preferAvoidPods\": [{\"podSignature\": {\"podController\": 3}}]}",
            "{\"preferAvoidPods\": [{\"podSignature\": {\"podController\": {\"kind\": 7}}}]}")) {
      assertThat(score(pod, List.of(node("m", bad)))).as(bad).isEqualTo(expect("m", 100));
    }
  }

  @Test
  void unknownFieldsAndNullsAreAccepted() {
    Pod pod = owned("ReplicaSet", "u1", true);
    String annotation =
        "{\"extra\": 1, \"preferAvoidPods\": [null, {\"podSignature\": null},"
            + " {\"podSignature\": {\"podController\": null}},"
            + " {\"podSignature\": {\"podController\": {\"kind\": \"ReplicaSet\", \"uid\": \"u1\","
            + " \"surprise\": true}}}]}";
    assertThat(score(pod, List.of(node("m", annotation), node("n", "{\"preferAvoidPods\": null}"))))
        .isEqualTo(expect("m", 0, "n", 100));
  }

  @Test
  void everyNodeScoresMaxExactlyForPodsNoNodeCanAskToAvoid() {
    Pod unowned = Fixtures.pod("unowned").build();
    unowned.getMetadata().setOwnerReferences(null);
    Map<String, Pod> free = new LinkedHashMap<>();
    free.put("no owner references", unowned);
    free.put("an empty list of them", Fixtures.pod("plain").build());
    free.put("another kind of controller", owned("RandomController", "abcdef123456", true));
    free.put("an owner that is not the controller", owned("ReplicationController", "a", null));
    free.put("controller: false", owned("ReplicaSet", "qwert12345", false));
    free.forEach(
        (what, pod) -> assertThat(NodePreferAvoidPods.everyNodeScoresMax(pod)).as(what).isTrue());
    // A controller a node can name: the shortcut must not apply, whatever the nodes say.
    assertThat(NodePreferAvoidPods.everyNodeScoresMax(owned("ReplicationController", "x", true)))
        .isFalse();
    assertThat(NodePreferAvoidPods.everyNodeScoresMax(owned("ReplicaSet", "x", true))).isFalse();
  }
}
