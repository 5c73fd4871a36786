package io.kubelab.cluster.controller.deployment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * Rollouts over generated histories: the image changes at any moment (mid-rollout too), pods become
 * available late or in part, the controller syncs at any moment. The model is the Deployment's
 * contract:
 *
 * <ul>
 *   <li>while its replicas stay {@code r}, once it has first rolled out, its ReplicaSets never ask
 *       for more than {@code r + maxSurge} pods, and never have fewer than {@code r -
 *       maxUnavailable} available;
 *   <li>when everything has caught up, exactly one ReplicaSet has the Deployment's template and all
 *       {@code r} replicas, the others none, and the status says so.
 * </ul>
 *
 * <p>The counts are read off the fake server's ReplicaSets here, not through the controller's
 * helpers.
 */
class DeploymentControllerModelTest {

  private static int specTotal(FakeApps apps) {
    return apps.replicaSets.values().stream().mapToInt(r -> r.getSpec().getReplicas()).sum();
  }

  private static int availableTotal(FakeApps apps) {
    return apps.replicaSets.values().stream()
        .mapToInt(
            r ->
                r.getStatus() == null || r.getStatus().getAvailableReplicas() == null
                    ? 0
                    : r.getStatus().getAvailableReplicas())
        .sum();
  }

  private static void settle(FakeApps apps) throws InterruptedException {
    for (int round = 0; round < 30; round++) {
      apps.sync();
      apps.podsCatchUp(true);
    }
    apps.sync();
  }

  private static void run(List<Integer> ops, boolean scale) throws InterruptedException {
    FakeApps apps = new FakeApps();
    int r = ops.get(0) % 6;
    int surge = ops.get(1) % 3;
    int unavailable = ops.get(2) % 3;
    apps.putDeployment(
        DeploymentControllerTest.deployment("web", r, "v0", "RollingUpdate", surge, unavailable));
    settle(apps);
    // what the controller will allow: ResolveFenceposts turns 0 and 0 into 0 and 1
    int maxSurge = surge;
    int maxUnavailable = Math.min(surge == 0 && unavailable == 0 ? 1 : unavailable, r);
    boolean bounded = true;
    for (int op : ops.subList(3, ops.size())) {
      int arg = op / 10;
      Deployment d = apps.deployments.get("web");
      switch (op % 10) {
        case 0, 1 ->
            apps.putDeployment(
                new DeploymentBuilder(d)
                    .editSpec()
                    .editTemplate()
                    .editSpec()
                    .editFirstContainer()
                    .withImage("v" + arg % 4)
                    .endContainer()
                    .endSpec()
                    .endTemplate()
                    .endSpec()
                    .build());
        case 2 -> {
          if (scale) {
            r = arg % 6;
            bounded = false; // the rollout bounds hold for a fixed size
            apps.putDeployment(
                new DeploymentBuilder(d).editSpec().withReplicas(r).endSpec().build());
          }
        }
        case 3, 4, 5 -> apps.sync();
        case 6, 7 -> apps.podsCatchUp(true);
        case 8 -> apps.podsCatchUp(false);
        default -> apps.clock.step(Duration.ofSeconds(1 + arg % 5));
      }
      if (bounded) {
        assertThat(specTotal(apps)).as("pods asked for").isLessThanOrEqualTo(r + maxSurge);
        assertThat(availableTotal(apps))
            .as("pods available")
            .isGreaterThanOrEqualTo(r - maxUnavailable);
      }
    }
    settle(apps);

    Deployment d = apps.deployments.get("web");
    String image = d.getSpec().getTemplate().getSpec().getContainers().get(0).getImage();
    List<ReplicaSet> current =
        apps.replicaSets.values().stream()
            .filter(
                rs ->
                    rs.getSpec()
                        .getTemplate()
                        .getSpec()
                        .getContainers()
                        .get(0)
                        .getImage()
                        .equals(image))
            .toList();
    assertThat(current).hasSize(1);
    assertThat(current.get(0).getSpec().getReplicas()).isEqualTo(r);
    assertThat(specTotal(apps)).isEqualTo(r);
    assertThat(d.getStatus().getUpdatedReplicas()).isEqualTo(r);
    assertThat(d.getStatus().getAvailableReplicas()).isEqualTo(r);
    assertThat(d.getStatus().getObservedGeneration()).isEqualTo(d.getMetadata().getGeneration());
    // one ReplicaSet per template the Deployment had
    assertThat(apps.replicaSets.size()).isLessThanOrEqualTo(5);
  }

  @Test
  void aRollingUpdateStaysWithinItsBoundsAndEndsOnTheLatestTemplate() {
    qt().withFixedSeed(0xde91L)
        .withExamples(200)
        .forAll(lists().of(integers().between(0, 999)).ofSizeBetween(3, 50))
        .checkAssert(
            ops -> {
              try {
                run(ops, false);
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
  }

  @Test
  void withScalingMidRolloutItStillEndsOnTheLatestTemplateAndSize() {
    qt().withFixedSeed(0x5ca1eL)
        .withExamples(200)
        .forAll(lists().of(integers().between(0, 999)).ofSizeBetween(3, 50))
        .checkAssert(
            ops -> {
              try {
                run(ops, true);
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
  }
}
