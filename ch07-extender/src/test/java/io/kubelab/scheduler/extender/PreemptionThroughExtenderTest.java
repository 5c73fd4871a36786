package io.kubelab.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudgetBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.extender.v1.ExtenderPreemptionArgs;
import io.kubelab.scheduler.extender.v1.ExtenderPreemptionResult;
import io.kubelab.scheduler.extender.v1.MetaPod;
import io.kubelab.scheduler.extender.v1.MetaVictims;
import io.kubelab.scheduler.preemption.PdbLister;
import io.kubelab.scheduler.preemption.Preemption;
import io.kubelab.scheduler.preemption.PreemptionResult;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chapter 06's preemption asking an extender over HTTP to review the candidates. Two nodes can make
 * room for the preemptor: on n1 by evicting one low-priority pod a PodDisruptionBudget protects, on
 * n2 by evicting two medium-priority pods nothing protects. Upstream's {@code
 * pickOneNodeForPreemption} prefers fewer PDB violations (n2), then the lower highest victim
 * priority (n1).
 */
@Timeout(60)
class PreemptionThroughExtenderTest {

  static final List<Node> NODES =
      List.of(
          Fixtures.node("n1").allocatable("1", "4Gi").build(),
          Fixtures.node("n2").allocatable("1", "4Gi").build());

  static final Pod DB =
      Fixtures.pod("db-0")
          .uid("uid-db")
          .label("app", "db")
          .priority(10)
          .nodeName("n1")
          .requests("1", "1Gi")
          .build();
  static final Pod WEB_A =
      Fixtures.pod("web-a")
          .uid("uid-web-a")
          .label("app", "web")
          .priority(100)
          .nodeName("n2")
          .requests("500m", "1Gi")
          .build();
  static final Pod WEB_B =
      Fixtures.pod("web-b")
          .uid("uid-web-b")
          .label("app", "web")
          .priority(100)
          .nodeName("n2")
          .requests("500m", "1Gi")
          .build();

  static final PodDisruptionBudget DB_PDB =
      new PodDisruptionBudgetBuilder()
          .withNewMetadata()
          .withName("db")
          .withNamespace("default")
          .endMetadata()
          .withNewSpec()
          .withSelector(Fixtures.matchLabels("app", "db"))
          .endSpec()
          .withNewStatus()
          .withDisruptionsAllowed(0)
          .endStatus()
          .build();

  static Pod preemptor() {
    return Fixtures.pod("batch").uid("uid-batch").priority(1000).requests("1", "1Gi").build();
  }

  static final String POLICY =
      "{\"predicates\":[{\"name\":\"PodFitsResources\"}],\"priorities\":[],\"extenders\":[%s]}";

  static PreemptionResult preempt(String extenders) {
    try (PolicyScheduler s =
            new PolicyScheduler(POLICY.formatted(extenders), NODES, List.of(DB, WEB_A, WEB_B));
        Preemption preemption =
            Preemption.builder(s.scheduler, new FakeClock(Instant.parse("2020-06-01T00:00:00Z")))
                .pdbLister(PdbLister.of(List.of(DB_PDB)))
                .parallelism(1)
                .build()) {
      Pod pod = preemptor();
      FitError fitError = catchThrowableOfType(FitError.class, () -> s.scheduler.schedule(pod));
      assertThat(fitError).isNotNull();
      return preemption.preempt(pod, fitError);
    }
  }

  static List<String> names(List<Pod> pods) {
    return pods.stream().map(p -> p.getMetadata().getName()).toList();
  }

  static String entry(ExtenderServer s, boolean nodeCache) {
    return "{\"urlPrefix\":\""
        + s.urlPrefix()
        + "\",\"preemptVerb\":\"preempt\",\"nodeCacheCapable\":"
        + nodeCache
        + "}";
  }

  @Test
  void withoutAnExtenderTheNodeWithoutPdbViolationsIsChosen() {
    PreemptionResult r = preempt("");
    assertThat(r.nodeName()).isEqualTo("n2");
    assertThat(names(r.victims())).containsExactlyInAnyOrder("web-a", "web-b");
  }

  @Test
  void anExtenderThatAcceptsEveryCandidateErasesThePdbCount() {
    BlockingQueue<ExtenderPreemptionArgs> seen = new LinkedBlockingQueue<>();
    try (ExtenderServer s =
        ExtenderServer.builder()
            .preempt(
                "preempt",
                a -> {
                  seen.add(a);
                  // Accept every candidate as it is, with the PDB count it was sent.
                  Map<String, MetaVictims> all = new LinkedHashMap<>();
                  a.nodeNameToVictims()
                      .forEach(
                          (node, v) ->
                              all.put(
                                  node,
                                  new MetaVictims(
                                      v.pods().stream()
                                          .map(p -> new MetaPod(p.getMetadata().getUid()))
                                          .toList(),
                                      v.numPDBViolations())));
                  return new ExtenderPreemptionResult(all);
                })
            .start()) {
      PreemptionResult r = preempt(entry(s, false));

      // The extender was told n1 violates a PDB ...
      ExtenderPreemptionArgs sent = seen.poll();
      assertThat(sent.nodeNameToVictims().get("n1").numPDBViolations()).isEqualTo(1);
      assertThat(sent.nodeNameToVictims().get("n2").numPDBViolations()).isZero();
      // ... and said so back, but upstream converts only the pods: both candidates now have 0
      // violations, and the lower highest victim priority (10 on n1) wins.
      assertThat(r.nodeName()).isEqualTo("n1");
      assertThat(names(r.victims())).containsExactly("db-0");
    }
  }

  @Test
  void anExtenderThatVetoesAVictimRemovesItsNode() {
    BlockingQueue<ExtenderPreemptionArgs> seen = new LinkedBlockingQueue<>();
    Set<String> protectedUids = Set.of("uid-web-a");
    try (ExtenderServer s =
        ExtenderServer.builder()
            .preempt(
                "preempt",
                a -> {
                  seen.add(a);
                  // A node-cache-capable extender gets UIDs; it keeps the nodes where it would
                  // let every victim go.
                  Map<String, MetaVictims> kept = new LinkedHashMap<>();
                  a.nodeNameToMetaVictims()
                      .forEach(
                          (node, v) -> {
                            if (v.pods().stream().noneMatch(p -> protectedUids.contains(p.uid()))) {
                              kept.put(node, v);
                            }
                          });
                  return new ExtenderPreemptionResult(kept);
                })
            .start()) {
      PreemptionResult r = preempt(entry(s, true));

      ExtenderPreemptionArgs sent = seen.poll();
      assertThat(sent.nodeNameToVictims()).isNull();
      assertThat(sent.nodeNameToMetaVictims().keySet()).containsExactlyInAnyOrder("n1", "n2");
      assertThat(sent.nodeNameToMetaVictims().get("n1").numPDBViolations())
          .as("never sent to a node-cache-capable extender")
          .isZero();
      assertThat(r.nodeName()).isEqualTo("n1");
      assertThat(names(r.victims())).containsExactly("db-0");
    }
  }

  @Test
  void anExtenderThatVetoesEveryCandidateLeavesNoNode() {
    try (ExtenderServer s =
        ExtenderServer.builder()
            .preempt("preempt", a -> new ExtenderPreemptionResult(Map.of()))
            .start()) {
      PreemptionResult r = preempt(entry(s, true));
      assertThat(r.node()).isEmpty();
      assertThat(r.victims()).isEmpty();
    }
  }

  @Test
  void aFailingIgnorableExtenderLeavesTheCandidatesAsTheyWere() {
    try (ExtenderServer s =
        ExtenderServer.builder()
            .preempt(
                "preempt",
                a -> {
                  throw new IllegalStateException("down");
                })
            .start()) {
      String ignorable = entry(s, true).replace("}", ",\"ignorable\":true}");
      PreemptionResult r = preempt(ignorable);
      assertThat(r.nodeName()).isEqualTo("n2");
    }
  }
}
