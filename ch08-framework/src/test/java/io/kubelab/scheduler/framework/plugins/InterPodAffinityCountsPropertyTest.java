package io.kubelab.scheduler.framework.plugins;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.longs;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.predicates.InterPodAffinityPredicate;
import io.kubelab.scheduler.predicates.MetadataProducer;
import io.kubelab.scheduler.predicates.PodPredicateMetadata;
import io.kubelab.scheduler.predicates.PredicateErrors;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;

/**
 * InterPodAffinity's v1.18 counts, checked against chapter 03's v1.17 metadata (pod names per
 * topology pair, computed from scratch) as the oracle.
 *
 * <p>For generated clusters (small, so that terms often match) and a pending pod: PreFilter on the
 * cluster, then, on a clone of the cycle state, some placed pods removed (preemption's victims) and
 * some pending pods added to nodes (nominated pods) through the RemovePod and AddPod extensions. On
 * every node the plugin's Filter over the clone gives the verdict, code and reasons chapter 03's
 * predicate gives with metadata computed afresh over the changed cluster; over the original state,
 * those of the unchanged one.
 */
class InterPodAffinityCountsPropertyTest {

  private static final Parallelizer PARALLELIZER = new Parallelizer("counts-property", 2);

  @AfterAll
  static void closeParallelizer() {
    PARALLELIZER.close();
  }

  @Test
  void theExtensionsKeepTheCountsAFreshComputationWouldGive() {
    int[] seen = new int[4];
    qt().withFixedSeed(0x18_1_18L)
        .withExamples(300)
        .withShrinkCycles(20)
        .forAll(longs().all())
        .checkAssert(seed -> check(new Random(seed), seen));
    System.out.println(
        "InterPodAffinity counts vs chapter 03: (pod, node) verdicts "
            + seen[0]
            + ", of them failing "
            + seen[1]
            + ", malformed selectors "
            + seen[2]
            + ", verdicts the extensions changed "
            + seen[3]);
    assertThat(seen[1])
        .as("some verdicts must fail, or the property says little")
        .isGreaterThan(50);
    assertThat(seen[3]).as("the extensions must change some verdicts").isGreaterThan(50);
  }

  private static final List<String> APPS = List.of("a", "b", "c");
  private static final List<String> KEYS = List.of(Fixtures.LABEL_HOSTNAME, Fixtures.LABEL_ZONE);

  /**
   * A small cluster where affinity matters: up to 6 nodes in 3 zones (one in five without a zone
   * label), up to 14 pods labelled {@code app} a, b or c, most in one namespace, some with a
   * required anti-affinity or affinity term of their own; about a third are pending.
   */
  private static List<Node> nodes(Random random) {
    List<Node> nodes = new ArrayList<>();
    int count = 1 + random.nextInt(6);
    for (int i = 0; i < count; i++) {
      Fixtures.NodeFixture n = Fixtures.node("node-" + i);
      n = random.nextInt(5) == 0 ? n.withoutLabel(Fixtures.LABEL_ZONE) : n.zone("zone-" + (i % 3));
      nodes.add(n.build());
    }
    return nodes;
  }

  static Pod pod(Random random, String name, String nodeName) {
    Fixtures.PodFixture p =
        Fixtures.pod(name)
            .namespace(random.nextInt(7) == 0 ? "other" : "default")
            .label("app", pick(random, APPS));
    if (nodeName != null) {
      p = p.nodeName(nodeName);
    }
    if (random.nextInt(3) == 0) {
      p = p.requiredPodAntiAffinity(term(random));
    }
    if (random.nextInt(4) == 0) {
      p = p.requiredPodAffinity(term(random));
    }
    return p.build();
  }

  static io.fabric8.kubernetes.api.model.PodAffinityTerm term(Random random) {
    return Fixtures.affinityTerm(
        pick(random, KEYS), Fixtures.matchLabels("app", pick(random, APPS)));
  }

  static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }

  private static void check(Random random, int[] seen) {
    List<Node> nodes = nodes(random);
    List<Pod> placed = new ArrayList<>();
    List<Pod> pending = new ArrayList<>();
    int count = random.nextInt(15);
    for (int i = 0; i < count; i++) {
      if (random.nextInt(3) == 0) {
        pending.add(pod(random, "pod-" + i, null));
      } else {
        placed.add(pod(random, "pod-" + i, pick(random, nodes).getMetadata().getName()));
      }
    }
    // The incoming pod: with an affinity term, an anti-affinity term, both or neither.
    Fixtures.PodFixture incoming =
        Fixtures.pod("incoming").namespace("default").label("app", pick(random, APPS));
    if (random.nextBoolean()) {
      incoming = incoming.requiredPodAffinity(term(random));
    }
    if (random.nextBoolean()) {
      incoming = incoming.requiredPodAntiAffinity(term(random));
    }
    Pod pod = incoming.build();
    List<Pod> removed = new ArrayList<>();
    List<Pod> kept = new ArrayList<>();
    for (Pod p : placed) {
      (random.nextInt(3) == 0 ? removed : kept).add(p);
    }
    List<Pod> added = new ArrayList<>();
    for (Pod p : pending) {
      if (random.nextBoolean()) {
        String node = pick(random, nodes).getMetadata().getName();
        added.add(new PodBuilder(p).editSpec().withNodeName(node).endSpec().build());
      }
    }
    List<Pod> after = new ArrayList<>(kept);
    after.addAll(added);
    Snapshot before = Snapshot.of(placed, nodes);
    Snapshot changed = Snapshot.of(after, nodes);

    InterPodAffinity plugin = new InterPodAffinity(PluginArgs.NONE, handle(before));
    CycleState state = new CycleState();
    Status pre = plugin.preFilter(state, pod);
    PodPredicateMetadata oracleBefore = new MetadataProducer().produce(pod, before);
    if (oracleBefore == null) {
      // A malformed selector: chapter 03 falls back to its slow path, v1.18 fails PreFilter.
      assertThat(pre.code()).isEqualTo(Code.ERROR);
      assertThat(pre.message()).startsWith("calculating preFilterState: ");
      seen[2]++;
      return;
    }
    assertThat(pre).isEqualTo(Status.SUCCESS);
    CycleState trial = state.clone();
    for (Pod r : removed) {
      plugin.removePod(trial, pod, r, before.get(r.getSpec().getNodeName()));
    }
    for (Pod a : added) {
      plugin.addPod(trial, pod, a, before.get(a.getSpec().getNodeName()));
    }
    PodPredicateMetadata oracleAfter = new MetadataProducer().produce(pod, changed);
    assertThat(oracleAfter).as("pods only move: no new selector").isNotNull();
    for (Node n : nodes) {
      String name = n.getMetadata().getName();
      Status afterChange = expected(pod, oracleAfter, changed, changed.get(name), seen);
      Status beforeChange = expected(pod, oracleBefore, before, before.get(name), seen);
      assertThat(plugin.filter(trial, pod, changed.get(name)))
          .as("changed cluster, node %s, removed %s, added %s", name, names(removed), names(added))
          .isEqualTo(afterChange);
      assertThat(plugin.filter(state, pod, before.get(name)))
          .as("unchanged cluster, node %s", name)
          .isEqualTo(beforeChange);
      if (!afterChange.equals(beforeChange)) {
        seen[3]++;
      }
    }
  }

  /** Chapter 03's verdict as the v1.18 plugin's status: the code depends on the reason. */
  static Status expected(
      Pod pod, PodPredicateMetadata meta, Snapshot snapshot, NodeInfo nodeInfo, int[] seen) {
    seen[0]++;
    PredicateResult r = new InterPodAffinityPredicate(() -> snapshot).check(pod, meta, nodeInfo);
    if (r.fits()) {
      return Status.SUCCESS;
    }
    seen[1]++;
    Code code =
        r.reasons().contains(PredicateErrors.ERR_POD_AFFINITY_RULES_NOT_MATCH)
            ? Code.UNSCHEDULABLE_AND_UNRESOLVABLE
            : Code.UNSCHEDULABLE;
    List<String> reasons = new ArrayList<>();
    for (PredicateFailureReason f : r.reasons()) {
      reasons.add(f.getReason());
    }
    return Status.of(code, reasons);
  }

  static FrameworkImpl handle(Snapshot snapshot) {
    return PluginHandles.builder(snapshot, PARALLELIZER).build();
  }

  private static List<String> names(List<Pod> pods) {
    return pods.stream()
        .map(p -> p.getMetadata().getName() + "@" + p.getSpec().getNodeName())
        .toList();
  }
}
