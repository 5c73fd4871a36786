package io.kubelab.scheduler;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodConditionBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.queue.PriorityQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.Test;

/**
 * The pieces around the scheduler: upstream's UpdatePodCondition rules, the in-memory API server's
 * refusals, and the builder's checks.
 */
class OutsideWorldTest {

  private static final Instant T0 = Instant.parse("2020-01-01T00:00:00Z");

  private static PodCondition scheduled(String status, String reason, String message) {
    return new PodConditionBuilder()
        .withType("PodScheduled")
        .withStatus(status)
        .withReason(reason)
        .withMessage(message)
        .build();
  }

  @Test
  void updatePodConditionAppendsKeepsTheTransitionTimeAndReportsChanges() {
    PodStatus status = new PodStatus();
    assertThat(
            PodConditions.updatePodCondition(status, scheduled("False", "Unschedulable", "a"), T0))
        .isTrue();
    assertThat(status.getConditions()).hasSize(1);
    assertThat(status.getConditions().get(0).getLastTransitionTime())
        .isEqualTo("2020-01-01T00:00:00Z");

    // The same condition later: nothing changes, the transition time stays.
    assertThat(
            PodConditions.updatePodCondition(
                status, scheduled("False", "Unschedulable", "a"), T0.plusSeconds(5)))
        .isFalse();
    assertThat(status.getConditions().get(0).getLastTransitionTime())
        .isEqualTo("2020-01-01T00:00:00Z");

    // Another message, same status: a change, still the old transition time.
    assertThat(
            PodConditions.updatePodCondition(
                status, scheduled("False", "Unschedulable", "b"), T0.plusSeconds(6)))
        .isTrue();
    assertThat(status.getConditions().get(0).getMessage()).isEqualTo("b");
    assertThat(status.getConditions().get(0).getLastTransitionTime())
        .isEqualTo("2020-01-01T00:00:00Z");

    // Another reason: a change.
    assertThat(
            PodConditions.updatePodCondition(
                status, scheduled("False", "SchedulerError", "b"), T0.plusSeconds(7)))
        .isTrue();

    // Another status: a change, and a new transition time (to the second).
    assertThat(
            PodConditions.updatePodCondition(
                status, scheduled("True", null, null), T0.plusMillis(8_500)))
        .isTrue();
    assertThat(status.getConditions()).hasSize(1);
    assertThat(status.getConditions().get(0).getLastTransitionTime())
        .isEqualTo("2020-01-01T00:00:08Z");

    // Another type: appended after the first.
    PodCondition ready = new PodConditionBuilder().withType("Ready").withStatus("True").build();
    assertThat(PodConditions.updatePodCondition(status, ready, T0)).isTrue();
    assertThat(status.getConditions())
        .extracting(PodCondition::getType)
        .containsExactly("PodScheduled", "Ready");
    assertThat(PodConditions.get(status, "Ready").getStatus()).isEqualTo("True");
    assertThat(PodConditions.get(status, "Nope")).isNull();
    assertThat(PodConditions.get(null, "Ready")).isNull();
  }

  private static Binding binding(String name, String uid, String node) {
    return new BindingBuilder()
        .withNewMetadata()
        .withNamespace("default")
        .withName(name)
        .withUid(uid)
        .endMetadata()
        .withNewTarget()
        .withKind("Node")
        .withName(node)
        .endTarget()
        .build();
  }

  @Test
  void theInMemoryClusterRefusesBindingsAsAnApiServerDoes() {
    InMemoryCluster c = new InMemoryCluster(new FakeClock());
    c.createPod(pod("p").uid("u1").build());

    assertThatThrownBy(() -> c.bind(binding("q", "u2", "n1")))
        .isInstanceOfSatisfying(
            InMemoryCluster.ApiException.class, e -> assertThat(e.code()).isEqualTo(404))
        .hasMessage("pods \"q\" not found");
    assertThatThrownBy(() -> c.bind(binding("p", "other", "n1")))
        .isInstanceOfSatisfying(
            InMemoryCluster.ApiException.class, e -> assertThat(e.code()).isEqualTo(409))
        .hasMessage(
            "Operation cannot be fulfilled on pods/binding \"p\": Precondition failed: UID in"
                + " precondition: other, UID in object meta: u1");
    assertThatThrownBy(() -> c.bind(binding("p", "u1", "")))
        .isInstanceOfSatisfying(
            InMemoryCluster.ApiException.class, e -> assertThat(e.code()).isEqualTo(422))
        .hasMessage("Binding default/p: target.name: Required value");

    c.bind(binding("p", "u1", "n1"));
    assertThat(c.pod("default", "p").orElseThrow().getSpec().getNodeName()).isEqualTo("n1");
    assertThat(
            PodConditions.get(c.pod("default", "p").orElseThrow().getStatus(), "PodScheduled")
                .getStatus())
        .isEqualTo("True");
    assertThat(c.bindingsAccepted("u1")).isEqualTo(1);
    assertThatThrownBy(() -> c.bind(binding("p", "u1", "n2")))
        .isInstanceOfSatisfying(
            InMemoryCluster.ApiException.class, e -> assertThat(e.code()).isEqualTo(409))
        .hasMessage(
            "Operation cannot be fulfilled on pods/binding \"p\": pod p is already assigned to"
                + " node \"n1\"");
    assertThat(c.bindingsAccepted("u1")).isEqualTo(1);
    assertThat(c.bindingsAccepted("u2")).isZero();
  }

  @Test
  void anAcceptedWriteLeavesTheObjectInformersHandedOutAsItWas() {
    InMemoryCluster c = new InMemoryCluster(new FakeClock());
    c.createPod(pod("p").uid("u1").build());
    var handedOut = c.pod("default", "p").orElseThrow();
    String before = handedOut.toString();

    c.setNominatedNodeName(pod("p").build(), "n1");
    c.update(pod("p").build(), scheduled("False", "Unschedulable", "m"));
    c.bind(binding("p", "u1", "n1"));

    assertThat(handedOut.toString()).isEqualTo(before);
    assertThat(handedOut.getSpec().getNodeName()).isNull();
    var now = c.pod("default", "p").orElseThrow();
    assertThat(now).isNotSameAs(handedOut);
    assertThat(now.getSpec().getNodeName()).isEqualTo("n1");
    assertThat(now.getStatus().getNominatedNodeName()).isEqualTo("n1");
    assertThat(PodConditions.get(now.getStatus(), "PodScheduled").getStatus()).isEqualTo("True");
  }

  @Test
  void aPodWithoutAStatusGetsOneWhenItIsBoundOrNominated() {
    InMemoryCluster c = new InMemoryCluster(new FakeClock());
    var bare = pod("bare").uid("u2").build();
    bare.setStatus(null);
    c.createPod(bare);
    var other = pod("other").build();
    other.setStatus(null);
    c.createPod(other);

    c.bind(binding("bare", "u2", "n1"));
    c.setNominatedNodeName(other, "n2");

    assertThat(
            PodConditions.get(c.pod("default", "bare").orElseThrow().getStatus(), "PodScheduled")
                .getStatus())
        .isEqualTo("True");
    assertThat(c.pod("default", "other").orElseThrow().getStatus().getNominatedNodeName())
        .isEqualTo("n2");
    assertThat(bare.getStatus()).isNull();
  }

  @Test
  void theInMemoryClusterRefusesDuplicatesAndMissingObjects() {
    InMemoryCluster c = new InMemoryCluster(new FakeClock());
    c.createNode(node("n1").build());
    assertThatThrownBy(() -> c.createNode(node("n1").build()))
        .hasMessage("nodes \"n1\" already exists");
    assertThatThrownBy(() -> c.updateNode(node("n2").build())).hasMessage("nodes \"n2\" not found");
    assertThatThrownBy(() -> c.deleteNode("n2")).hasMessage("nodes \"n2\" not found");
    assertThatThrownBy(() -> c.deletePod("default", "p")).hasMessage("pods \"p\" not found");
    assertThatThrownBy(() -> c.getUpdatedPod(pod("p").build())).hasMessage("pods \"p\" not found");
    assertThatThrownBy(() -> c.setNominatedNodeName(pod("p").build(), "n1"))
        .hasMessage("pods \"p\" not found");
    assertThat(c.nodes()).extracting(n -> n.getMetadata().getName()).containsExactly("n1");

    c.createPod(pod("p").build());
    c.setNominatedNodeName(pod("p").build(), "n1");
    assertThat(c.getUpdatedPod(pod("p").build()).getStatus().getNominatedNodeName())
        .isEqualTo("n1");
    c.setNominatedNodeName(pod("p").build(), "");
    assertThat(c.get("default", "p").orElseThrow().getStatus().getNominatedNodeName()).isNull();
    assertThat(c.get("default", "q")).isEmpty();
    assertThat(c.pods()).hasSize(1);
  }

  @Test
  void anUnchangedConditionIsNotWrittenAgain() {
    InMemoryCluster c = new InMemoryCluster(new FakeClock());
    List<String> updates = new java.util.ArrayList<>();
    c.addPodHandler(
        new ResourceEventHandler<>() {
          @Override
          public void onAdd(io.fabric8.kubernetes.api.model.Pod obj) {}

          @Override
          public void onUpdate(
              io.fabric8.kubernetes.api.model.Pod oldObj,
              io.fabric8.kubernetes.api.model.Pod newObj) {
            updates.add(newObj.getMetadata().getName());
          }

          @Override
          public void onDelete(io.fabric8.kubernetes.api.model.Pod obj) {}
        });
    c.createPod(pod("p").build());
    c.update(pod("p").build(), scheduled("False", "Unschedulable", "m"));
    c.update(pod("p").build(), scheduled("False", "Unschedulable", "m"));
    assertThat(updates).containsExactly("p");
  }

  @Test
  void theBuilderNamesWhatIsMissing() {
    FakeClock clock = new FakeClock();
    InMemoryCluster cluster = new InMemoryCluster(clock);
    try (SchedulerCache cache = new SchedulerCache(clock);
        Parallelizer par = new Parallelizer("builder-test", 1);
        Harness h = new Harness()) {
      PriorityQueue queue =
          new PriorityQueue(h.profiles.get("default-scheduler").queueSortFunc(), clock);
      UnaryOperator<Scheduler.Builder> all =
          b ->
              b.clock(clock)
                  .cache(cache)
                  .snapshot(new Snapshot())
                  .parallelizer(par)
                  .queue(queue)
                  .profiles(h.profiles)
                  .client(cluster)
                  .eventRecorder(new InMemoryEventRecorder());
      assertThatThrownBy(() -> Scheduler.builder().build())
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the scheduler needs a clock");
      assertThatThrownBy(() -> Scheduler.builder().clock(clock).build())
          .hasMessage("the scheduler needs a cache");
      assertThatThrownBy(() -> Scheduler.builder().clock(clock).cache(cache).build())
          .hasMessage("the scheduler needs a snapshot");
      assertThatThrownBy(
              () -> Scheduler.builder().clock(clock).cache(cache).snapshot(new Snapshot()).build())
          .hasMessage("the scheduler needs a parallelizer");
      assertThatThrownBy(
              () ->
                  Scheduler.builder()
                      .clock(clock)
                      .cache(cache)
                      .snapshot(new Snapshot())
                      .parallelizer(par)
                      .build())
          .hasMessage("the scheduler needs a queue");
      assertThatThrownBy(
              () ->
                  Scheduler.builder()
                      .clock(clock)
                      .cache(cache)
                      .snapshot(new Snapshot())
                      .parallelizer(par)
                      .queue(queue)
                      .profiles(h.profiles)
                      .build())
          .hasMessage("the scheduler needs a podPreemptor");
      assertThatThrownBy(
              () ->
                  Scheduler.builder()
                      .clock(clock)
                      .cache(cache)
                      .snapshot(new Snapshot())
                      .parallelizer(par)
                      .queue(queue)
                      .profiles(h.profiles)
                      .podPreemptor(cluster)
                      .build())
          .hasMessage("the scheduler needs a podConditionUpdater");
      assertThatThrownBy(
              () ->
                  Scheduler.builder()
                      .clock(clock)
                      .cache(cache)
                      .snapshot(new Snapshot())
                      .parallelizer(par)
                      .queue(queue)
                      .profiles(h.profiles)
                      .podPreemptor(cluster)
                      .podConditionUpdater(cluster)
                      .build())
          .hasMessage("the scheduler needs a podGetter");
      assertThatThrownBy(
              () ->
                  Scheduler.builder()
                      .clock(clock)
                      .cache(cache)
                      .snapshot(new Snapshot())
                      .parallelizer(par)
                      .queue(queue)
                      .profiles(h.profiles)
                      .client(cluster)
                      .build())
          .hasMessage("the scheduler needs a eventRecorder");
      assertThatThrownBy(
              () ->
                  Scheduler.builder()
                      .clock(clock)
                      .cache(cache)
                      .snapshot(new Snapshot())
                      .parallelizer(par)
                      .queue(queue)
                      .client(cluster)
                      .eventRecorder(new InMemoryEventRecorder())
                      .build())
          .hasMessage("the scheduler needs at least one profile");
      assertThatThrownBy(() -> Scheduler.builder().percentageOfNodesToScore(101))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("percentageOfNodesToScore: Invalid value: 101: not in valid range [0-100]");
      assertThatThrownBy(() -> Scheduler.builder().percentageOfNodesToScore(-1))
          .hasMessage("percentageOfNodesToScore: Invalid value: -1: not in valid range [0-100]");
      Scheduler s =
          all.apply(Scheduler.builder())
              .percentageOfNodesToScore(0)
              .percentageOfNodesToScore(100)
              .pdbLister(io.kubelab.scheduler.preemption.PdbLister.NONE)
              .enableNonPreempting(true)
              .extenders(List.of())
              .build();
      assertThat(s.profiles()).containsOnlyKeys("default-scheduler");
      assertThat(s.queue()).isSameAs(queue);
      assertThat(s.bindingsInFlight()).isZero();
      s.run();
      assertThatThrownBy(s::run)
          .isInstanceOf(IllegalStateException.class)
          .hasMessage("the scheduler was already started or closed");
      s.close();
      s.close();
      assertThat(s.awaitBindings(Duration.ZERO)).isTrue();
    } catch (InterruptedException e) {
      throw new AssertionError(e);
    }
  }
}
