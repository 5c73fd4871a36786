package io.kubelab.cluster.controller.replicaset;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatus;
import io.kubelab.cluster.controller.ApiStatusException;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The ReplicaSet controller against a fake server whose informer lags behind it ({@link
 * FakeWorld}): what it creates, what it deletes first, what it adopts, and what status it writes.
 */
class ReplicaSetControllerTest {

  private final FakeWorld world = new FakeWorld();
  private final ReplicaSetController controller =
      world.controller(ReplicaSetController.BURST_REPLICAS);

  private static ReplicaSet rs(String name, int replicas) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace(FakeWorld.NS)
        .withUid("uid-" + name)
        .endMetadata()
        .withNewSpec()
        .withReplicas(replicas)
        .withNewSelector()
        .addToMatchLabels("app", name)
        .endSelector()
        .withNewTemplate()
        .withNewMetadata()
        .addToLabels("app", name)
        .addToLabels("tier", "front")
        .addToAnnotations("note", "from the template")
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("nginx:1.19")
        .endContainer()
        .endSpec()
        .endTemplate()
        .endSpec()
        .build();
  }

  private void scale(String name, int replicas) {
    world.putRs(
        new ReplicaSetBuilder(world.serverRs.get(name))
            .editSpec()
            .withReplicas(replicas)
            .endSpec()
            .build());
  }

  private ReplicaSetStatus status(String name) {
    return world.serverRs.get(name).getStatus();
  }

  @Test
  void aNewReplicaSetGetsItsPodsFromItsTemplateAndCountsThem() throws Exception {
    world.putRs(rs("web", 3));
    world.settle();

    List<Pod> pods = world.activePodsOf("web");
    assertThat(pods)
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("web-00001", "web-00002", "web-00003");
    Pod p = pods.get(0);
    assertThat(p.getMetadata().getGenerateName()).isEqualTo("web-");
    assertThat(p.getMetadata().getLabels())
        .containsEntry("app", "web")
        .containsEntry("tier", "front");
    assertThat(p.getMetadata().getAnnotations()).containsEntry("note", "from the template");
    assertThat(p.getMetadata().getOwnerReferences())
        .singleElement()
        .satisfies(
            o -> {
              assertThat(o.getApiVersion()).isEqualTo("apps/v1");
              assertThat(o.getKind()).isEqualTo("ReplicaSet");
              assertThat(o.getName()).isEqualTo("web");
              assertThat(o.getUid()).isEqualTo("uid-web");
              assertThat(o.getController()).isTrue();
              assertThat(o.getBlockOwnerDeletion()).isTrue();
            });
    assertThat(p.getSpec().getContainers())
        .extracting(c -> c.getImage())
        .containsExactly("nginx:1.19");

    ReplicaSetStatus s = status("web");
    assertThat(s.getReplicas()).isEqualTo(3);
    assertThat(s.getFullyLabeledReplicas()).isEqualTo(3);
    assertThat(s.getReadyReplicas()).isZero();
    assertThat(s.getAvailableReplicas()).isZero();
    assertThat(s.getObservedGeneration()).isEqualTo(1L);
  }

  @Test
  void creationsStartWithOnePodAndDoubleUntilABatchFails() throws Exception {
    world.createFailure =
        call ->
            call == 3
                ? new ApiStatusException(
                    403, "Forbidden", "pods \"web-x\" is forbidden: exceeded quota", false)
                : null;
    world.putRs(rs("web", 10));
    world.deliver(1);
    controller.processNextWorkItem(Duration.ZERO);
    // batch 1 (call 1), batch 2 (calls 2 and 3): call 3 failed, so no batch of 4 started
    assertThat(world.createCalls).isEqualTo(3);
    assertThat(world.serverPods).hasSize(2);
    assertThat(status("web").getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("ReplicaFailure");
              assertThat(c.getStatus()).isEqualTo("True");
              assertThat(c.getReason()).isEqualTo("FailedCreate");
              assertThat(c.getMessage()).isEqualTo("pods \"web-x\" is forbidden: exceeded quota");
            });
    assertThat(controller.queue().numRequeues("default/web")).isEqualTo(1);
    // the 7 pods never attempted and the failed one are not expected; the 2 created ones are
    assertThat(controller.expectations().get("default/web").add()).isEqualTo(2);

    // their events wake the ReplicaSet at once: the next sync creates the other 8, in batches of
    // 1, 2, 4 and 1, and clears the condition
    world.settle();
    assertThat(world.activePodsOf("web")).hasSize(10);
    assertThat(world.createCalls).isEqualTo(11);
    assertThat(status("web").getConditions()).isEmpty();
    assertThat(controller.queue().numRequeues("default/web")).isZero();
  }

  @Test
  void oneSyncCreatesAtMostTheBurst() throws Exception {
    world.putRs(rs("web", 600));
    world.deliver();
    controller.processNextWorkItem(Duration.ZERO);
    assertThat(world.activePodsOf("web")).hasSize(500);
    world.settle();
    assertThat(world.activePodsOf("web")).hasSize(600);
  }

  @Test
  void noMorePodsAreCreatedUntilTheInformerShowsTheLastOnesOrFiveMinutesPass() throws Exception {
    world.putRs(rs("web", 2));
    world.deliver(1); // the ReplicaSet only
    controller.processNextWorkItem(Duration.ZERO);
    assertThat(world.createCalls).isEqualTo(2);

    // the pods' events are still on their way; another sync must not create two more
    controller.queue().add("default/web");
    controller.processNextWorkItem(Duration.ZERO);
    assertThat(world.createCalls).isEqualTo(2);

    // ExpectationsTimeout: lost events must not stop the controller for good
    world.clock.step(Duration.ofMinutes(5).plusMillis(1));
    controller.queue().add("default/web");
    controller.processNextWorkItem(Duration.ZERO);
    assertThat(world.createCalls).isEqualTo(4);
  }

  private static Pod pod(String name, String node, String phase, Boolean ready, String readySince) {
    PodBuilder b =
        new PodBuilder()
            .withNewMetadata()
            .withName(name)
            .withNamespace(FakeWorld.NS)
            .withUid("uid-" + name)
            .withCreationTimestamp("2020-01-01T00:00:00Z")
            .addToLabels("app", "web")
            .addNewOwnerReference()
            .withApiVersion("apps/v1")
            .withKind("ReplicaSet")
            .withName("web")
            .withUid("uid-web")
            .withController(true)
            .endOwnerReference()
            .endMetadata()
            .withNewSpec()
            .withNodeName(node)
            .endSpec()
            .withNewStatus()
            .withPhase(phase)
            .endStatus();
    if (ready != null) {
      b.editStatus()
          .addNewCondition()
          .withType("Ready")
          .withStatus(ready ? "True" : "False")
          .withLastTransitionTime(readySince)
          .endCondition()
          .endStatus();
    }
    return b.build();
  }

  @Test
  void scalingDownDeletesThePodsInTheEarliestStagesFirst() throws Exception {
    world.putRs(rs("web", 5));
    world.putPod(pod("unscheduled", null, "Pending", null, null));
    world.putPod(pod("pending", "node-a", "Pending", null, null));
    world.putPod(pod("not-ready", "node-a", "Running", false, null));
    world.putPod(pod("ready-new", "node-b", "Running", true, "2020-01-01T00:05:00Z"));
    world.putPod(pod("ready-old", "node-c", "Running", true, "2020-01-01T00:01:00Z"));
    world.settle();
    assertThat(world.createCalls).isZero();

    for (int replicas = 4; replicas >= 1; replicas--) {
      scale("web", replicas);
      world.settle();
    }
    assertThat(world.deletedNames)
        .containsExactly("unscheduled", "pending", "not-ready", "ready-new");
    assertThat(world.activePodsOf("web"))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("ready-old");
    assertThat(status("web").getReplicas()).isEqualTo(1);
    assertThat(status("web").getReadyReplicas()).isEqualTo(1);
    assertThat(status("web").getObservedGeneration()).isEqualTo(5L);
  }

  @Test
  void orphansThatMatchAreAdoptedAndPodsThatNoLongerMatchAreReleased() throws Exception {
    world.putRs(rs("web", 2));
    Pod orphan =
        new PodBuilder(pod("orphan", "node-a", "Running", null, null))
            .editMetadata()
            .withOwnerReferences(List.of())
            .endMetadata()
            .build();
    Pod strayed =
        new PodBuilder(pod("strayed", "node-a", "Running", null, null))
            .editMetadata()
            .withLabels(java.util.Map.of("app", "other"))
            .endMetadata()
            .build();
    Pod foreign =
        new PodBuilder(pod("foreign", "node-a", "Running", null, null))
            .editMetadata()
            .editFirstOwnerReference()
            .withUid("uid-someone-else")
            .endOwnerReference()
            .endMetadata()
            .build();
    world.putPod(orphan);
    world.putPod(strayed);
    world.putPod(foreign);
    world.settle();

    assertThat(world.patches)
        .containsExactly(
            "orphan {\"metadata\":{\"ownerReferences\":[{\"apiVersion\":\"apps/v1\",\"kind\":"
                + "\"ReplicaSet\",\"name\":\"web\",\"uid\":\"uid-web\",\"controller\":true,"
                + "\"blockOwnerDeletion\":true}],\"uid\":\"uid-orphan\"}}",
            "strayed {\"metadata\":{\"ownerReferences\":[{\"$patch\":\"delete\","
                + "\"uid\":\"uid-web\"}],\"uid\":\"uid-strayed\"}}");
    // the orphan counts; the released pod and the other controller's do not: one more is created
    assertThat(world.createCalls).isEqualTo(1);
    assertThat(world.activePodsOf("web"))
        .extracting(p -> p.getMetadata().getName())
        .containsExactlyInAnyOrder("orphan", "web-00001");
  }

  @Test
  void aReplicaSetBeingDeletedNeitherAdoptsNorCreates() throws Exception {
    world.putRs(
        new ReplicaSetBuilder(rs("web", 2))
            .editMetadata()
            .withDeletionTimestamp("2020-01-01T00:00:00Z")
            .endMetadata()
            .build());
    world.putPod(
        new PodBuilder(pod("orphan", "node-a", "Running", null, null))
            .editMetadata()
            .withOwnerReferences(List.of())
            .endMetadata()
            .build());
    world.settle();
    assertThat(world.patches).isEmpty();
    assertThat(world.createCalls).isZero();
    assertThat(status("web").getReplicas()).isZero();
  }

  @Test
  void podsBecomeAvailableMinReadySecondsAfterTheyAreReady() throws Exception {
    world.putRs(
        new ReplicaSetBuilder(rs("web", 1)).editSpec().withMinReadySeconds(10).endSpec().build());
    world.settle();
    Pod p = world.activePodsOf("web").get(0);
    world.putPod(
        new PodBuilder(p)
            .withNewStatus()
            .withPhase("Running")
            .addNewCondition()
            .withType("Ready")
            .withStatus("True")
            .withLastTransitionTime(world.clock.now().toString())
            .endCondition()
            .endStatus()
            .build());
    world.settle();
    assertThat(status("web").getReadyReplicas()).isEqualTo(1);
    assertThat(status("web").getAvailableReplicas()).isZero();
    // the update asked for a sync 11 s later, the sync for one 10 s later: the earlier stays
    assertThat(controller.queue().waitingCount()).isEqualTo(1);
    world.clock.step(Duration.ofSeconds(10));
    world.settle();
    // exactly 10 s is not yet "more than": the sync asks again minReadySeconds later
    assertThat(status("web").getAvailableReplicas()).isZero();
    world.clock.step(Duration.ofSeconds(10));
    world.settle();
    assertThat(status("web").getAvailableReplicas()).isEqualTo(1);
  }

  @Test
  void theStatusIsWrittenOnlyWhenItChangesAndRetriedOnceAfterAFreshRead() throws Exception {
    world.putRs(rs("web", 1));
    world.settle();
    int writes = world.statusWrites;
    controller.queue().add("default/web");
    world.settle();
    assertThat(world.statusWrites).isEqualTo(writes); // nothing changed: no write

    world.statusFailure =
        new ApiStatusException(409, "Conflict", "the object has been modified", false);
    scale("web", 2);
    world.settle();
    assertThat(world.statusWrites).isEqualTo(writes + 3); // failed, retried, then the next sync
    assertThat(status("web").getReplicas()).isEqualTo(2);
    assertThat(status("web").getObservedGeneration()).isEqualTo(2L);
  }

  @Test
  void aDeletedReplicaSetsExpectationsAreForgottenAndItsKeySyncsToNothing() throws Exception {
    world.putRs(rs("web", 2));
    world.deliver(1);
    controller.processNextWorkItem(Duration.ZERO);
    assertThat(controller.expectations().get("default/web")).isNotNull();
    world.deleteRs("web");
    world.settle();
    assertThat(controller.expectations().get("default/web")).isNull();
    assertThat(world.createCalls).isEqualTo(2);
  }

  @Test
  void aPodUpdateThatChangesNothingWakesNoOne() throws Exception {
    world.putRs(rs("web", 1));
    world.settle();
    Pod p = world.activePodsOf("web").get(0);
    controller.updatePod(p, p); // a resync: same resourceVersion
    assertThat(controller.queue().len()).isZero();
  }

  @Test
  void podsToDeleteRankPodsOnCrowdedNodesFirstThenShorterReadyMoreRestartsAndNewer() {
    Pod a = pod("a", "node-1", "Running", true, "2020-01-01T00:01:00Z");
    Pod b = pod("b", "node-2", "Running", true, "2020-01-01T00:01:00Z");
    Pod c = pod("c", "node-2", "Running", true, "2020-01-01T00:01:00Z");
    // b and c share node-2: one of them goes before a
    assertThat(ReplicaSetController.podsToDelete(List.of(a, b, c), List.of(a, b, c), 1))
        .extracting(p -> p.getMetadata().getName())
        .containsAnyOf("b", "c")
        .doesNotContain("a");
    Pod older = pod("older", "n", "Running", true, "2020-01-01T00:01:00Z");
    Pod younger =
        new PodBuilder(pod("younger", "n", "Running", true, "2020-01-01T00:01:00Z"))
            .editMetadata()
            .withCreationTimestamp("2020-01-01T00:00:30Z")
            .endMetadata()
            .build();
    Pod restarted =
        new PodBuilder(pod("restarted", "n", "Running", true, "2020-01-01T00:01:00Z"))
            .editStatus()
            .addNewContainerStatus()
            .withName("app")
            .withRestartCount(3)
            .endContainerStatus()
            .endStatus()
            .build();
    Pod recentlyReady = pod("recently-ready", "n", "Running", true, "2020-01-01T00:02:00Z");
    List<Pod> all = List.of(older, younger, restarted, recentlyReady);
    assertThat(ReplicaSetController.podsToDelete(all, all, 3))
        .extracting(p -> p.getMetadata().getName())
        .containsExactly("recently-ready", "restarted", "younger");
  }

  @Test
  void aFailedDeletionIsNoLongerExpectedAndMarksTheReplicaSet() throws Exception {
    world.putRs(rs("web", 3));
    world.settle();
    world.deleteFailure =
        new ApiStatusException(500, "InternalError", "etcd is unavailable", false);
    scale("web", 1);
    world.deliver();
    controller.processNextWorkItem(Duration.ZERO);
    assertThat(world.activePodsOf("web")).hasSize(3);
    // the informer will never see these deletions: they are not expected
    assertThat(controller.expectations().satisfiedExpectations("default/web")).isTrue();
    assertThat(controller.queue().numRequeues("default/web")).isEqualTo(1);
    assertThat(status("web").getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getReason()).isEqualTo("FailedDelete");
              assertThat(c.getMessage()).isEqualTo("etcd is unavailable");
            });
    world.deleteFailure = null;
    world.clock.step(Duration.ofMillis(5));
    world.settle();
    assertThat(world.activePodsOf("web")).hasSize(1);
    assertThat(status("web").getConditions()).isEmpty();
  }

  @Test
  void aPodAlreadyGoneCountsAsDeletedAndATerminatingNamespaceAsNoFailure() throws Exception {
    world.putRs(rs("web", 2));
    world.settle();
    world.deleteFailure = ApiStatusException.notFound("pods \"x\" not found");
    scale("web", 1);
    world.deliver();
    controller.processNextWorkItem(Duration.ZERO);
    assertThat(controller.queue().numRequeues("default/web")).isZero();
    assertThat(controller.expectations().satisfiedExpectations("default/web")).isTrue();

    world.deleteFailure = null;
    world.createFailure =
        call ->
            new ApiStatusException(403, "Forbidden", "namespace default is being terminated", true);
    world.putRs(rs("db", 2));
    world.deliver();
    while (controller.queue().len() > 0) {
      controller.processNextWorkItem(Duration.ZERO);
    }
    assertThat(controller.queue().numRequeues("default/db")).isZero();
    assertThat(status("db").getConditions()).isEmpty();
  }

  @Test
  void anOrphanIsNotAdoptedWhenAFreshReadShowsTheReplicaSetBeingDeleted() throws Exception {
    world.putRs(rs("web", 1));
    world.settle();
    // the server already has the deletion, the informer not yet
    world.serverRs.put(
        "web",
        new ReplicaSetBuilder(world.serverRs.get("web"))
            .editMetadata()
            .withDeletionTimestamp("2020-01-01T00:00:00Z")
            .endMetadata()
            .build());
    world.putPod(
        new PodBuilder(pod("orphan", "node-a", "Running", null, null))
            .editMetadata()
            .withOwnerReferences(List.of())
            .endMetadata()
            .build());
    world.deliver();
    controller.processNextWorkItem(Duration.ZERO);
    assertThat(world.patches).isEmpty();
    assertThat(controller.queue().numRequeues("default/web")).isEqualTo(1);
  }

  @Test
  void handlersResolveOwnersByUidAndCountAPodSeenBeingDeleted() throws Exception {
    world.putRs(rs("web", 0));
    world.settle();
    Pod stranger =
        new PodBuilder(pod("stranger", "n", "Running", null, null))
            .editMetadata()
            .editFirstOwnerReference()
            .withUid("uid-of-an-older-web")
            .endOwnerReference()
            .endMetadata()
            .build();
    controller.expectations().expectCreations("default/web", 1);
    controller.addPod(stranger); // same name, another UID: not this ReplicaSet's pod
    assertThat(controller.expectations().get("default/web").add()).isEqualTo(1);
    assertThat(controller.queue().len()).isZero();

    Pod leaving =
        new PodBuilder(pod("leaving", "n", "Running", null, null))
            .editMetadata()
            .withDeletionTimestamp("2020-01-01T00:00:00Z")
            .endMetadata()
            .build();
    controller.expectations().expectDeletions("default/web", List.of("default/leaving"));
    controller.addPod(leaving); // listed already being deleted: a deletion
    assertThat(controller.expectations().satisfiedExpectations("default/web")).isTrue();

    // a ReplicaSet deleted and created again under the same name: the old one's expectations go
    controller.expectations().expectCreations("default/web", 1);
    ReplicaSet old = world.serverRs.get("web");
    ReplicaSet recreated =
        new ReplicaSetBuilder(old)
            .editMetadata()
            .withUid("uid-web-2")
            .withResourceVersion("999")
            .endMetadata()
            .build();
    controller.updateReplicaSet(old, recreated);
    assertThat(controller.expectations().get("default/web")).isNull();
  }

  @Test
  void scaleDownRanksByThePodsOfTheSameOwnerOnEachNode() throws Exception {
    // two ReplicaSets of one Deployment: web (under test) and web-old
    OwnerReferenceBuilder byDeployment =
        new OwnerReferenceBuilder()
            .withApiVersion("apps/v1")
            .withKind("Deployment")
            .withName("web")
            .withUid("uid-deploy")
            .withController(true);
    world.putRs(
        new ReplicaSetBuilder(rs("web", 2))
            .editMetadata()
            .withOwnerReferences(byDeployment.build())
            .endMetadata()
            .build());
    ReplicaSet sibling =
        new ReplicaSetBuilder(rs("web-old", 1))
            .editMetadata()
            .withOwnerReferences(byDeployment.build())
            .endMetadata()
            .build();
    world.putRs(sibling);
    world.putPod(pod("a", "node-1", "Running", true, "2020-01-01T00:01:00Z"));
    world.putPod(pod("b", "node-2", "Running", true, "2020-01-01T00:01:00Z"));
    for (String[] p :
        new String[][] {
          {"c", "node-2", "Running"}, {"f", "node-1", "Failed"}, {"g", "node-1", "Failed"}
        }) {
      world.putPod(
          new PodBuilder(pod(p[0], p[1], p[2], true, "2020-01-01T00:01:00Z"))
              .editMetadata()
              .withLabels(java.util.Map.of("app", "web-old"))
              .editFirstOwnerReference()
              .withName("web-old")
              .withUid("uid-web-old")
              .endOwnerReference()
              .endMetadata()
              .build());
    }
    world.settle();
    assertThat(world.createCalls).isZero();
    scale("web", 1);
    world.settle();
    // node-2 holds two active pods of the Deployment (b, c), node-1 one (a; f and g failed)
    assertThat(world.deletedNames).containsExactly("b");
  }
}
