package io.kubelab.cluster.controller.deployment;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.IntOrString;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.DeploymentCondition;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The Deployment controller against {@link FakeApps}: a new Deployment's ReplicaSet, a rolling
 * update step by step, Recreate, pausing, the progress deadline and the revision history.
 */
class DeploymentControllerTest {

  private final FakeApps apps = new FakeApps();

  static Deployment deployment(
      String name, int replicas, String image, String strategy, Object surge, Object unavailable) {
    DeploymentBuilder b =
        new DeploymentBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(FakeApps.NS)
            .endMetadata()
            .withNewSpec()
            .withReplicas(replicas)
            .withRevisionHistoryLimit(10)
            .withProgressDeadlineSeconds(600)
            .withNewSelector()
            .addToMatchLabels("app", name)
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", name)
            .endMetadata()
            .withNewSpec()
            .addNewContainer()
            .withName("app")
            .withImage(image)
            .endContainer()
            .endSpec()
            .endTemplate()
            .withNewStrategy()
            .withType(strategy)
            .endStrategy()
            .endSpec();
    if (strategy.equals("RollingUpdate")) {
      b.editSpec()
          .editStrategy()
          .withNewRollingUpdate()
          .withMaxSurge(intOrString(surge))
          .withMaxUnavailable(intOrString(unavailable))
          .endRollingUpdate()
          .endStrategy()
          .endSpec();
    }
    return b.build();
  }

  static IntOrString intOrString(Object o) {
    return o instanceof Integer i ? new IntOrString(i) : new IntOrString((String) o);
  }

  private Deployment d(String name) {
    return apps.deployments.get(name);
  }

  private void setImage(String name, String image) {
    apps.putDeployment(
        new DeploymentBuilder(d(name))
            .editSpec()
            .editTemplate()
            .editSpec()
            .editFirstContainer()
            .withImage(image)
            .endContainer()
            .endSpec()
            .endTemplate()
            .endSpec()
            .build());
  }

  private static DeploymentCondition condition(Deployment d, String type) {
    return d.getStatus().getConditions().stream()
        .filter(c -> c.getType().equals(type))
        .findFirst()
        .orElse(null);
  }

  private List<ReplicaSet> rss() {
    return List.copyOf(apps.replicaSets.values());
  }

  @Test
  void aNewDeploymentGetsAReplicaSetNamedAfterItsTemplateAtRevision1() throws Exception {
    apps.putDeployment(deployment("web", 3, "nginx:1.19", "RollingUpdate", "25%", "25%"));
    apps.sync();

    ReplicaSet rs = rss().get(0);
    String hash = rs.getMetadata().getLabels().get("pod-template-hash");
    assertThat(hash).matches("[bcdfghjklmnpqrstvwxz2456789]{1,10}");
    assertThat(rs.getMetadata().getName()).isEqualTo("web-" + hash);
    assertThat(rs.getSpec().getSelector().getMatchLabels())
        .containsEntry("app", "web")
        .containsEntry("pod-template-hash", hash);
    assertThat(rs.getSpec().getTemplate().getMetadata().getLabels())
        .containsEntry("pod-template-hash", hash);
    assertThat(rs.getSpec().getReplicas()).isEqualTo(3);
    assertThat(rs.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getKind()).isEqualTo("Deployment");
              assertThat(o.getUid()).isEqualTo("uid-web");
              assertThat(o.getController()).isTrue();
            });
    // 25 % of 3: a surge of 1 (rounded up), so max-replicas 4
    assertThat(rs.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "1")
        .containsEntry("deployment.kubernetes.io/desired-replicas", "3")
        .containsEntry("deployment.kubernetes.io/max-replicas", "4");
    assertThat(d("web").getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "1");
    assertThat(apps.events)
        .containsExactly(
            "Normal ScalingReplicaSet Scaled up replica set "
                + rs.getMetadata().getName()
                + " to 3");
    assertThat(condition(d("web"), "Progressing").getReason()).isEqualTo("NewReplicaSetCreated");
    assertThat(condition(d("web"), "Available").getStatus()).isEqualTo("False");

    apps.podsCatchUp(true);
    apps.sync();
    Deployment web = d("web");
    assertThat(web.getStatus().getReplicas()).isEqualTo(3);
    assertThat(web.getStatus().getUpdatedReplicas()).isEqualTo(3);
    assertThat(web.getStatus().getAvailableReplicas()).isEqualTo(3);
    assertThat(web.getStatus().getObservedGeneration()).isEqualTo(1L);
    assertThat(condition(web, "Available").getReason()).isEqualTo("MinimumReplicasAvailable");
    assertThat(condition(web, "Progressing").getReason()).isEqualTo("NewReplicaSetAvailable");
    assertThat(condition(web, "Progressing").getMessage())
        .isEqualTo(
            "ReplicaSet \"" + rs.getMetadata().getName() + "\" has successfully progressed.");
  }

  @Test
  void aRollingUpdateStaysWithinSurgeAndUnavailability() throws Exception {
    apps.putDeployment(deployment("web", 4, "nginx:1.19", "RollingUpdate", "25%", "25%"));
    apps.sync();
    apps.podsCatchUp(true);
    apps.sync();
    String old = rss().get(0).getMetadata().getName();
    apps.events.clear();

    setImage("web", "nginx:1.20");
    for (int round = 0; round < 20; round++) {
      apps.sync();
      // 4 replicas, a surge of 1 and one unavailable: never more than 5, never fewer than 3
      int total = rss().stream().mapToInt(r -> r.getSpec().getReplicas()).sum();
      int available =
          rss().stream()
              .mapToInt(r -> r.getStatus() == null ? 0 : r.getStatus().getAvailableReplicas())
              .sum();
      assertThat(total).isLessThanOrEqualTo(5);
      assertThat(available).isGreaterThanOrEqualTo(3);
      apps.podsCatchUp(true);
    }
    String newer =
        rss().stream()
            .map(r -> r.getMetadata().getName())
            .filter(n -> !n.equals(old))
            .findFirst()
            .orElseThrow();
    assertThat(apps.events)
        .containsExactly(
            "Normal ScalingReplicaSet Scaled up replica set " + newer + " to 1",
            "Normal ScalingReplicaSet Scaled down replica set " + old + " to 3",
            "Normal ScalingReplicaSet Scaled up replica set " + newer + " to 2",
            "Normal ScalingReplicaSet Scaled down replica set " + old + " to 1",
            "Normal ScalingReplicaSet Scaled up replica set " + newer + " to 4",
            "Normal ScalingReplicaSet Scaled down replica set " + old + " to 0");
    Deployment web = d("web");
    assertThat(web.getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "2");
    assertThat(apps.replicaSets.get(newer).getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "2");
    assertThat(web.getStatus().getUpdatedReplicas()).isEqualTo(4);
    assertThat(condition(web, "Progressing").getReason()).isEqualTo("NewReplicaSetAvailable");

    // back to the first template: its ReplicaSet is found again and takes revision 3
    setImage("web", "nginx:1.19");
    for (int round = 0; round < 20; round++) {
      apps.sync();
      apps.podsCatchUp(true);
    }
    assertThat(apps.replicaSets).hasSize(2);
    assertThat(apps.replicaSets.get(old).getSpec().getReplicas()).isEqualTo(4);
    assertThat(apps.replicaSets.get(old).getMetadata().getAnnotations())
        .containsEntry("deployment.kubernetes.io/revision", "3")
        .containsEntry("deployment.kubernetes.io/revision-history", "1");
  }

  @Test
  void recreateScalesTheOldDownAndWaitsForItsPodsBeforeTheNew() throws Exception {
    apps.putDeployment(deployment("db", 2, "postgres:12", "Recreate", null, null));
    apps.sync();
    apps.podsCatchUp(true);
    apps.sync();
    ReplicaSet oldRs = rss().get(0);
    String old = oldRs.getMetadata().getName();
    // one of its pods is still shutting down
    Pod lingering =
        new PodBuilder()
            .withNewMetadata()
            .withName(old + "-x")
            .withNamespace(FakeApps.NS)
            .withLabels(oldRs.getSpec().getTemplate().getMetadata().getLabels())
            .withDeletionTimestamp("2020-01-01T00:00:00Z")
            .addNewOwnerReference()
            .withApiVersion("apps/v1")
            .withKind("ReplicaSet")
            .withName(old)
            .withUid(oldRs.getMetadata().getUid())
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .withNewStatus()
            .withPhase("Running")
            .endStatus()
            .build();
    apps.pods.add(lingering);

    setImage("db", "postgres:13");
    apps.sync();
    assertThat(apps.replicaSets.get(old).getSpec().getReplicas()).isZero();
    assertThat(apps.replicaSets).hasSize(1); // no new ReplicaSet while an old pod runs
    assertThat(condition(d("db"), "Available").getStatus()).isEqualTo("False");

    apps.pods.clear();
    apps.controller.deletePod(lingering); // the last old pod gone wakes the Deployment
    apps.sync();
    assertThat(apps.replicaSets).hasSize(2);
    ReplicaSet newer =
        rss().stream()
            .filter(r -> !r.getMetadata().getName().equals(old))
            .findFirst()
            .orElseThrow();
    assertThat(newer.getSpec().getReplicas()).isEqualTo(2);
    assertThat(apps.events)
        .endsWith(
            "Normal ScalingReplicaSet Scaled down replica set " + old + " to 0",
            "Normal ScalingReplicaSet Scaled up replica set "
                + newer.getMetadata().getName()
                + " to 2");
  }

  @Test
  void aPausedDeploymentScalesButDoesNotRollOut() throws Exception {
    apps.putDeployment(deployment("web", 2, "nginx:1.19", "RollingUpdate", 1, 0));
    apps.sync();
    apps.podsCatchUp(true);
    apps.sync();
    apps.putDeployment(
        new DeploymentBuilder(d("web")).editSpec().withPaused(true).endSpec().build());
    apps.sync();
    assertThat(condition(d("web"), "Progressing").getReason()).isEqualTo("DeploymentPaused");
    assertThat(condition(d("web"), "Progressing").getStatus()).isEqualTo("Unknown");

    setImage("web", "nginx:1.20");
    apps.putDeployment(
        new DeploymentBuilder(d("web")).editSpec().withReplicas(3).endSpec().build());
    apps.sync();
    assertThat(apps.replicaSets).hasSize(1);
    assertThat(rss().get(0).getSpec().getReplicas()).isEqualTo(3);

    apps.putDeployment(
        new DeploymentBuilder(d("web")).editSpec().withPaused(false).endSpec().build());
    apps.sync();
    assertThat(apps.replicaSets).hasSize(2);
    assertThat(condition(d("web"), "Progressing").getReason())
        .isIn("ReplicaSetUpdated", "NewReplicaSetCreated");
  }

  @Test
  void aRolloutWithoutProgressForItsDeadlineTimesOut() throws Exception {
    Deployment web = deployment("web", 2, "nginx:1.19", "RollingUpdate", 1, 0);
    web.getSpec().setProgressDeadlineSeconds(60);
    apps.putDeployment(web);
    apps.sync();
    apps.podsCatchUp(false); // pods that never become available
    apps.sync();
    assertThat(condition(d("web"), "Progressing").getStatus()).isEqualTo("True");
    // the unchanged status asks for a sync once the deadline may have passed
    assertThat(apps.controller.queue().waitingCount()).isEqualTo(1);
    apps.clock.step(Duration.ofSeconds(62));
    apps.sync();
    DeploymentCondition c = condition(d("web"), "Progressing");
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("ProgressDeadlineExceeded");
    assertThat(c.getMessage())
        .isEqualTo(
            "ReplicaSet \""
                + rss().get(0).getMetadata().getName()
                + "\" has timed out progressing.");
  }

  @Test
  void oldEmptyReplicaSetsBeyondTheHistoryLimitAreDeleted() throws Exception {
    Deployment web = deployment("web", 1, "v1", "RollingUpdate", 1, 0);
    web.getSpec().setRevisionHistoryLimit(1);
    apps.putDeployment(web);
    for (String image : List.of("v1", "v2", "v3", "v4")) {
      setImage("web", image);
      for (int round = 0; round < 10; round++) {
        apps.sync();
        apps.podsCatchUp(true);
      }
    }
    // the current one and one old one; the two oldest were deleted once empty
    assertThat(apps.replicaSets).hasSize(2);
    assertThat(apps.rsWrites.stream().filter(w -> w.startsWith("delete ")).count()).isEqualTo(2);
  }

  @Test
  void aSelectorOfEverythingIsRefused() throws Exception {
    Deployment web = deployment("web", 1, "v1", "RollingUpdate", 1, 0);
    web.getSpec().getSelector().setMatchLabels(null);
    apps.putDeployment(web);
    apps.sync();
    assertThat(apps.replicaSets).isEmpty();
    // one event per sync: the status write brings it back once
    assertThat(apps.events)
        .isNotEmpty()
        .containsOnly(
            "Warning SelectingAll This deployment is selecting all pods. A non-empty selector is"
                + " required.");
    assertThat(d("web").getStatus().getObservedGeneration()).isEqualTo(1L);
  }

  private ReplicaSet owned(String name, String image, int spec, int replicas, int available) {
    Deployment web = d("web");
    var template =
        new io.fabric8.kubernetes.api.model.PodTemplateSpecBuilder(web.getSpec().getTemplate())
            .build();
    template.getSpec().getContainers().get(0).setImage(image);
    return new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(FakeApps.NS)
        .withCreationTimestamp(image.equals("v1") ? "2020-01-01T00:00:00Z" : "2020-01-01T00:01:00Z")
        .addToLabels("app", "web")
        .addToAnnotations("deployment.kubernetes.io/desired-replicas", "3")
        .addToAnnotations("deployment.kubernetes.io/max-replicas", "4")
        .addToAnnotations("deployment.kubernetes.io/revision", image.equals("v1") ? "1" : "2")
        .addNewOwnerReference()
        .withApiVersion("apps/v1")
        .withKind("Deployment")
        .withName("web")
        .withUid("uid-web")
        .withController(true)
        .endOwnerReference()
        .endMetadata()
        .withNewSpec()
        .withReplicas(spec)
        .withNewSelector()
        .addToMatchLabels("app", "web")
        .endSelector()
        .withTemplate(template)
        .endSpec()
        .withNewStatus()
        .withReplicas(replicas)
        .withReadyReplicas(available)
        .withAvailableReplicas(available)
        .endStatus()
        .build();
  }

  @Test
  void anOldReplicaSetWhoseStatusLagsItsScaleDownIsNeverScaledUp() throws Exception {
    apps.clampOnScaleDown = false;
    Deployment web = deployment("web", 3, "v2", "RollingUpdate", 1, 1);
    apps.putDeployment(web);
    apps.controller.queue().poll(); // the Deployment's own add: the ReplicaSets come first
    apps.controller.queue().done("default/web");
    // old: asked for 1, its status still says 2 available; new: 3 asked, 2 available
    apps.putReplicaSet(owned("web-old", "v1", 1, 2, 2));
    apps.putReplicaSet(owned("web-new", "v2", 3, 3, 2));
    apps.rsWrites.clear();
    apps.events.clear();
    apps.controller.syncDeployment("default/web");
    // upstream refuses the "scale down" from 1 to 2 and writes nothing this sync
    assertThat(apps.rsWrites).isEmpty();
    assertThat(apps.events).isEmpty();
  }

  @Test
  void aNameTakenByAnotherTemplateIsAHashCollision() throws Exception {
    Deployment web = deployment("web", 1, "v1", "RollingUpdate", 1, 0);
    String hash = DeploymentUtil.computeHash(web.getSpec().getTemplate(), null);
    // someone else's ReplicaSet already has the name the template hashes to
    apps.putReplicaSet(
        new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder()
            .withNewMetadata()
            .withName("web-" + hash)
            .withNamespace(FakeApps.NS)
            .addToLabels("app", "other")
            .endMetadata()
            .withNewSpec()
            .withReplicas(0)
            .withNewSelector()
            .addToMatchLabels("app", "other")
            .endSelector()
            .withNewTemplate()
            .withNewMetadata()
            .addToLabels("app", "other")
            .endMetadata()
            .endTemplate()
            .endSpec()
            .build());
    apps.putDeployment(web);
    apps.controller.processNextWorkItem(Duration.ZERO);
    assertThat(d("web").getStatus().getCollisionCount()).isEqualTo(1);
    assertThat(apps.controller.queue().numRequeues("default/web")).isEqualTo(1);
    apps.clock.step(Duration.ofMillis(5));
    apps.sync();
    String second = "web-" + DeploymentUtil.computeHash(web.getSpec().getTemplate(), 1);
    assertThat(second).isNotEqualTo("web-" + hash);
    assertThat(apps.replicaSets.get(second).getSpec().getReplicas()).isEqualTo(1);
    assertThat(apps.replicaSets.get("web-" + hash).getSpec().getReplicas()).isZero();
  }

  @Test
  void aReplicaSetThatCannotBeCreatedStopsTheProgress() throws Exception {
    apps.createFailure =
        new io.kubelab.cluster.controller.ApiStatusException(
            403, "Forbidden", "exceeded quota: compute-resources", false);
    apps.putDeployment(deployment("web", 1, "v1", "RollingUpdate", 1, 0));
    apps.controller.processNextWorkItem(Duration.ZERO);
    String name = "web-" + DeploymentUtil.computeHash(d("web").getSpec().getTemplate(), null);
    String msg =
        "Failed to create new replica set \"" + name + "\": exceeded quota: compute-resources";
    DeploymentCondition c = condition(d("web"), "Progressing");
    assertThat(c.getStatus()).isEqualTo("False");
    assertThat(c.getReason()).isEqualTo("ReplicaSetCreateError");
    assertThat(c.getMessage()).isEqualTo(msg);
    assertThat(apps.events).contains("Warning ReplicaSetCreateError " + msg);
    assertThat(apps.controller.queue().numRequeues("default/web")).isEqualTo(1);
  }

  @Test
  void theDeploymentsAnnotationsAndMinReadySecondsReachItsReplicaSet() throws Exception {
    Deployment web = deployment("web", 1, "v1", "RollingUpdate", 1, 0);
    web.getMetadata()
        .setAnnotations(
            new java.util.TreeMap<>(
                java.util.Map.of(
                    "team", "checkout",
                    "kubectl.kubernetes.io/last-applied-configuration", "{}")));
    web.getSpec().setMinReadySeconds(5);
    apps.putDeployment(web);
    apps.sync();
    ReplicaSet rs = rss().get(0);
    assertThat(rs.getMetadata().getAnnotations())
        .containsEntry("team", "checkout")
        .doesNotContainKey("kubectl.kubernetes.io/last-applied-configuration");
    assertThat(rs.getSpec().getMinReadySeconds()).isEqualTo(5);

    apps.putDeployment(
        new DeploymentBuilder(d("web")).editSpec().withMinReadySeconds(10).endSpec().build());
    apps.sync();
    assertThat(apps.replicaSets).hasSize(1); // the same template: the same ReplicaSet
    assertThat(rss().get(0).getSpec().getMinReadySeconds()).isEqualTo(10);
  }

  @Test
  void aReplicaSetsReplicaFailureShowsOnTheDeploymentUntilItClears() throws Exception {
    apps.putDeployment(deployment("web", 2, "v1", "RollingUpdate", 1, 0));
    apps.sync();
    ReplicaSet rs = rss().get(0);
    apps.putReplicaSet(
        new io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder(rs)
            .withNewStatus()
            .withReplicas(0)
            .addNewCondition()
            .withType("ReplicaFailure")
            .withStatus("True")
            .withReason("FailedCreate")
            .withMessage("pods \"x\" is forbidden: exceeded quota")
            .withLastTransitionTime("2020-01-01T00:00:00Z")
            .endCondition()
            .endStatus()
            .build());
    apps.sync();
    DeploymentCondition c = condition(d("web"), "ReplicaFailure");
    assertThat(c.getReason()).isEqualTo("FailedCreate");
    assertThat(c.getMessage()).isEqualTo("pods \"x\" is forbidden: exceeded quota");
    assertThat(c.getLastUpdateTime()).isEqualTo("2020-01-01T00:00:00Z");

    apps.podsCatchUp(true); // the ReplicaSet controller succeeded: no condition any more
    apps.sync();
    assertThat(condition(d("web"), "ReplicaFailure")).isNull();
  }

  @Test
  void aDeploymentThatKeepsFailingIsDroppedAfterFifteenRetries() throws Exception {
    apps.createFailure =
        new io.kubelab.cluster.controller.ApiStatusException(500, "InternalError", "boom", false);
    apps.putDeployment(deployment("web", 1, "v1", "RollingUpdate", 1, 0));
    int attempts = 0;
    for (int i = 0;
        i < 40 && (apps.controller.queue().len() > 0 || apps.controller.queue().waitingCount() > 0);
        i++) {
      while (apps.controller.queue().len() > 0) {
        apps.controller.processNextWorkItem(Duration.ZERO);
        attempts++;
      }
      apps.clock.step(Duration.ofSeconds(1000));
    }
    // the first try and fifteen retries; then the key is forgotten until the next event
    assertThat(attempts).isEqualTo(16);
    assertThat(apps.controller.queue().numRequeues("default/web")).isZero();
    assertThat(apps.controller.queue().waitingCount()).isZero();
  }
}
