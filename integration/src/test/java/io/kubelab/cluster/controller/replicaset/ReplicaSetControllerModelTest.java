package io.kubelab.cluster.controller.replicaset;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The controller against generated histories: scale changes, pods that fail, become ready or are
 * deleted by a user, watch events delivered late and in pieces, workers that run at any moment, and
 * time passing (less than the five minutes after which expectations expire). The model is the spec:
 * whatever happened, once every event is delivered and the queue is empty,
 *
 * <ul>
 *   <li>the ReplicaSet controls exactly {@code spec.replicas} active pods;
 *   <li>its status counts them, and the ready ones, for the current generation;
 *   <li>and at no moment did it control more active pods than the largest {@code spec.replicas} it
 *       was ever given (the expectations keep a lagging cache from creating twice).
 * </ul>
 */
class ReplicaSetControllerModelTest {

  private static ReplicaSet rs(int replicas) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName("web")
        .withNamespace(FakeWorld.NS)
        .withUid("uid-web")
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", "web")
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", "web")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  /** Runs one history; each int is an operation and its argument. */
  private static void run(List<Integer> ops) throws InterruptedException {
    FakeWorld world = new FakeWorld();
    ReplicaSetController controller = world.controller(3); // a small burst, to exercise it
    int replicas = ops.get(0) % 6;
    int maxReplicas = replicas;
    world.putRs(rs(replicas));
    for (int op : ops.subList(1, ops.size())) {
      int arg = op / 10;
      List<Pod> pods = world.activePodsOf("web");
      switch (op % 10) {
        case 0 -> {
          replicas = arg % 7;
          maxReplicas = Math.max(maxReplicas, replicas);
          world.putRs(
              new ReplicaSetBuilder(world.serverRs.get("web"))
                  .editSpec()
                  .withReplicas(replicas)
                  .endSpec()
                  .build());
        }
        case 1, 2 -> world.deliver(1 + arg % 4);
        case 3, 4 -> {
          if (controller.queue().len() > 0) {
            controller.processNextWorkItem(Duration.ZERO);
          }
        }
        case 5 -> {
          if (!pods.isEmpty()) {
            world.removePod(pods.get(arg % pods.size()).getMetadata().getName()); // a user
          }
        }
        case 6 -> {
          if (!pods.isEmpty()) {
            Pod p = pods.get(arg % pods.size());
            world.putPod(new PodBuilder(p).withNewStatus().withPhase("Failed").endStatus().build());
          }
        }
        case 7 -> {
          if (!pods.isEmpty()) {
            Pod p = pods.get(arg % pods.size());
            world.putPod(
                new PodBuilder(p)
                    .withNewSpec()
                    .withNodeName("node-" + arg % 3)
                    .endSpec()
                    .withNewStatus()
                    .withPhase("Running")
                    .addNewCondition()
                    .withType("Ready")
                    .withStatus("True")
                    .withLastTransitionTime(world.clock.now().toString())
                    .endCondition()
                    .endStatus()
                    .build());
          }
        }
        default -> world.clock.step(Duration.ofMillis(1 + arg % 1000));
      }
      assertThat(world.activePodsOf("web").size())
          .as("active pods after op %d, largest spec.replicas %d", op, maxReplicas)
          .isLessThanOrEqualTo(maxReplicas);
    }
    world.settle();

    List<Pod> active = world.activePodsOf("web");
    assertThat(active).hasSize(replicas);
    long ready = 0;
    for (Pod p : active) {
      if (p.getStatus() != null
          && p.getStatus().getConditions().stream()
              .anyMatch(c -> c.getType().equals("Ready") && c.getStatus().equals("True"))) {
        ready++;
      }
    }
    ReplicaSet now = world.serverRs.get("web");
    assertThat(now.getStatus().getReplicas()).isEqualTo(replicas);
    assertThat((long) now.getStatus().getReadyReplicas()).isEqualTo(ready);
    assertThat(now.getStatus().getObservedGeneration())
        .isEqualTo(now.getMetadata().getGeneration());
  }

  @Test
  void whateverHappensTheReplicaSetEndsWithItsReplicasAndNeverOvershoots() {
    qt().withFixedSeed(0x5e75L)
        .withExamples(300)
        .forAll(lists().of(integers().between(0, 9999)).ofSizeBetween(1, 60))
        .checkAssert(
            ops -> {
              try {
                run(new ArrayList<>(ops));
              } catch (InterruptedException e) {
                throw new AssertionError(e);
              }
            });
  }
}
