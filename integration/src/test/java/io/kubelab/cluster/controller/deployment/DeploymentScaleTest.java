package io.kubelab.cluster.controller.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * A change of replicas during a rollout is shared out over the ReplicaSets in proportion to their
 * sizes. The cases and their expected sizes are upstream's own, {@code TestScale} in {@code
 * pkg/controller/deployment/sync_test.go}; the ReplicaSets carry the replicas annotations the
 * Deployment gave them at its old size.
 */
class DeploymentScaleTest {

  private static final String NEW = "2016-05-20T02:00:00Z";
  private static final String OLD = "2016-05-20T01:00:00Z";
  private static final String OLDER = "2016-05-20T00:00:00Z";

  /** upstream's newDeployment: surge and unavailable 0 unless given (so unavailable 1). */
  private static Deployment d(int replicas, Integer surge) {
    return DeploymentControllerTest.deployment(
        "foo", replicas, "foo/bar", "RollingUpdate", surge == null ? 0 : surge, 0);
  }

  private static ReplicaSet rs(String name, int replicas, String created) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withUid("uid-" + name)
        .withCreationTimestamp(created)
        .addToLabels("app", "foo")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", "foo")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "foo")
        .addToLabels("old", "template")
        .endMetadata()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** case, deployment now, deployment before, new RS size or null, old RS sizes, expected. */
  static Stream<Arguments> cases() {
    return Stream.of(
        Arguments.of(
            "normal scaling event: 10 -> 12",
            12,
            null,
            10,
            null,
            10,
            new int[] {},
            12,
            new int[] {}),
        Arguments.of(
            "normal scaling event: 10 -> 5", 5, null, 10, null, 10, new int[] {}, 5, new int[] {}),
        Arguments.of(
            "proportional scaling: 5 -> 10", 10, null, 5, null, 2, new int[] {3}, 4, new int[] {6}),
        Arguments.of(
            "proportional scaling: 5 -> 3", 3, null, 5, null, 2, new int[] {3}, 1, new int[] {2}),
        Arguments.of(
            "proportional scaling: 9 -> 4", 4, null, 9, null, 8, new int[] {1}, 4, new int[] {0}),
        Arguments.of(
            "proportional scaling: 7 -> 10",
            10,
            null,
            7,
            null,
            2,
            new int[] {3, 2},
            3,
            new int[] {4, 3}),
        Arguments.of(
            "proportional scaling: 13 -> 8",
            8,
            null,
            13,
            null,
            2,
            new int[] {8, 3},
            1,
            new int[] {5, 2}),
        Arguments.of(
            "leftover distribution: 3 -> 4",
            4,
            null,
            3,
            null,
            1,
            new int[] {1, 1},
            2,
            new int[] {1, 1}),
        Arguments.of(
            "leftover distribution: 3 -> 2",
            2,
            null,
            3,
            null,
            1,
            new int[] {1, 1},
            1,
            new int[] {1, 0}),
        Arguments.of(
            "proportional scaling (no new rs): 4 -> 5",
            5,
            null,
            4,
            null,
            null,
            new int[] {2, 2},
            null,
            new int[] {3, 2}),
        Arguments.of(
            "proportional scaling: 6 -> 0",
            0,
            null,
            6,
            null,
            3,
            new int[] {2, 1},
            0,
            new int[] {0, 0}),
        Arguments.of(
            "proportional scaling: 0 -> 6",
            6,
            null,
            6,
            null,
            0,
            new int[] {0, 0},
            6,
            new int[] {0, 0}),
        Arguments.of(
            "deployment with surge pods", 20, 2, 10, 2, 6, new int[] {6}, 11, new int[] {11}),
        Arguments.of(
            "change both surge and size", 50, 6, 10, 3, 5, new int[] {8}, 22, new int[] {34}));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void aChangeOfReplicasIsSharedInProportion(
      String name,
      int replicas,
      Integer surge,
      int oldReplicas,
      Integer oldSurge,
      Integer newSize,
      int[] oldSizes,
      Integer expectedNew,
      int[] expectedOld)
      throws Exception {
    FakeApps apps = new FakeApps();
    Deployment before = d(oldReplicas, oldSurge);
    int max = oldReplicas + DeploymentUtil.maxSurge(before);
    List<String> names = new ArrayList<>();
    String[] created = {OLD, OLDER};
    for (int i = 0; i < oldSizes.length; i++) {
      ReplicaSet r = rs("foo-v" + (oldSizes.length - i), oldSizes[i], created[i]);
      DeploymentUtil.setReplicasAnnotations(r, oldReplicas, max);
      r.getMetadata()
          .getAnnotations()
          .put("deployment.kubernetes.io/revision", String.valueOf(oldSizes.length - i));
      names.add(r.getMetadata().getName());
      apps.putReplicaSet(owned(r));
    }
    Deployment now = d(replicas, surge);
    if (newSize != null) {
      ReplicaSet r = rs("foo-v" + (oldSizes.length + 1), newSize, NEW);
      r.getSpec().setTemplate(now.getSpec().getTemplate());
      DeploymentUtil.setReplicasAnnotations(r, oldReplicas, max);
      apps.putReplicaSet(owned(r));
    }
    if (newSize == null) {
      // upstream's "no new rs" case: the template matches none of them
      now.getSpec().getTemplate().getMetadata().getLabels().put("another", "label");
    }
    apps.putDeployment(now);
    // one sync: the scaling event (later syncs would go on to roll out a changed template)
    apps.controller.processNextWorkItem(java.time.Duration.ZERO);

    if (expectedNew != null) {
      assertThat(apps.replicaSets.get("foo-v" + (oldSizes.length + 1)).getSpec().getReplicas())
          .as("new")
          .isEqualTo(expectedNew);
    }
    for (int i = 0; i < oldSizes.length; i++) {
      assertThat(apps.replicaSets.get(names.get(i)).getSpec().getReplicas())
          .as(names.get(i))
          .isEqualTo(expectedOld[i]);
    }
  }

  private static ReplicaSet owned(ReplicaSet r) {
    return new ReplicaSetBuilder(r)
        .editMetadata()
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName("foo")
        .withUid("uid-foo")
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .build();
  }

  @org.junit.jupiter.api.Test
  void aSaturatedButBrokenNewReplicaSetDoesNotAffectOldPods() {
    // upstream's "saturated but broken new replica set does not affect old pods": scale itself
    FakeApps apps = new FakeApps();
    Deployment d = DeploymentControllerTest.deployment("foo", 2, "foo/bar", "RollingUpdate", 1, 1);
    for (ReplicaSet r : List.of(rs("foo-v2", 2, NEW), rs("foo-v1", 1, OLD))) {
      DeploymentUtil.setReplicasAnnotations(r, 2, 3);
      apps.putReplicaSet(r);
    }
    ReplicaSet newRS = apps.replicaSets.get("foo-v2");
    ReplicaSet oldRS = apps.replicaSets.get("foo-v1");
    newRS.setStatus(
        new io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder()
            .withAvailableReplicas(0)
            .build());
    apps.controller.scale(d, newRS, List.of(oldRS));
    assertThat(apps.rsWrites).isEmpty();
    // once the new one is available, it is saturated: the old ones go to 0
    newRS.setStatus(
        new io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder()
            .withAvailableReplicas(2)
            .build());
    apps.controller.scale(d, newRS, List.of(oldRS));
    assertThat(apps.rsWrites).containsExactly("update foo-v1 0");
  }
}
