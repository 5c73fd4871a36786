package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static io.kubelab.scheduler.spread.Objects.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.priorities.MetadataExtension;
import io.kubelab.scheduler.priorities.MetadataFactory;
import io.kubelab.scheduler.priorities.MetadataPart;
import io.kubelab.scheduler.priorities.PodPriorityMetadata;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Model-based: one scheduler's metadata, built once, scores a pod after every step of a random
 * sequence of cluster changes (pods added, removed, relabelled or marked for deletion; nodes
 * relabelled into another zone or out of the spread keys), with the snapshot brought up to date
 * incrementally by chapter 01's cache, as the scheduler does. The spreading parts keep an index of
 * the cluster's pods from cycle to cycle ({@link PodClassIndex}); whatever changed, SelectorSpread
 * and EvenPodsSpread must score exactly what a naive recount of the current cluster says ({@link
 * SpreadOracle}, {@link EvenPodsSpreadPropertyTest#oracle}). A second index, one that forgets
 * everything beyond four classes, counts the same nodes and must agree as well.
 */
class SpreadAcrossCyclesModelTest {

  static final List<String> ZONES = List.of("", "z0", "z1");
  static final List<String> APPS = List.of("web", "api", "db");

  @Test
  void scoresEqualANaiveRecountAfterEveryChangeWithOneIndexForTheWholeRun() {
    qt().withFixedSeed(0x1dec5L)
        .withExamples(120)
        .withShrinkCycles(200)
        .forAll(
            Generate.intArrays(Generate.range(1, 6), Generate.range(0, 99)),
            Generate.intArrays(Generate.range(0, 50), Generate.range(0, 99_999)),
            Generate.range(0, 15))
        .checkAssert(this::run);
    // The forgetful index did forget, so both of its roads were taken.
    assertThat(forgetfulResets).isPositive();
  }

  private int forgetfulResets;

  private void run(int[] nodeRecipe, int[] ops, int shape) {
    Pod incoming = incoming(shape);
    Service web = service("default", labels("app", "web"));
    InMemoryListers listers = new InMemoryListers();
    listers.add(web);
    List<Service> services = List.of(web);
    List<Node> nodes = new ArrayList<>();
    List<Pod> pods = new ArrayList<>();
    try (SchedulerCache cache = new SchedulerCache(new FakeClock())) {
      for (int i = 0; i < nodeRecipe.length; i++) {
        Node n = node("n" + i, nodeLabels(i, nodeRecipe[i]));
        nodes.add(n);
        cache.addNode(n);
      }
      Snapshot snapshot = new Snapshot();
      MetadataFactory factory = factory(snapshot, listers.spreadListers());
      PodClassIndex forgetful = new PodClassIndex(4);
      for (int op : ops) {
        apply(op, cache, nodes, pods);
        cache.updateSnapshot(snapshot);
        List<Node> filtered = new ArrayList<>();
        for (int i = 0; i < nodes.size(); i++) {
          // A different set of nodes passes filtering in every cycle.
          if (((op >> 3) + i) % 4 != 0) {
            filtered.add(nodes.get(i));
          }
        }
        if (filtered.isEmpty()) {
          continue;
        }
        List<NodeInfo> infos = Run.infos(filtered, snapshot);
        PodPriorityMetadata meta = factory.produce(incoming, infos, snapshot);
        String step = "after op " + op + " with " + pods.size() + " pods";
        assertThat(
                Run.mapReduce(
                    new SelectorSpread(SpreadListers.EMPTY)::calculateSpreadPriorityMap,
                    SelectorSpread::calculateSpreadPriorityReduce,
                    meta,
                    incoming,
                    snapshot,
                    filtered))
            .as("SelectorSpread " + step)
            .containsExactlyEntriesOf(
                SpreadOracle.selectorSpread(incoming, filtered, pods, services));
        assertThat(
                Run.mapReduce(
                    EvenPodsSpreadPriority::calculateEvenPodsSpreadPriorityMap,
                    EvenPodsSpreadPriority::calculateEvenPodsSpreadPriorityReduce,
                    meta,
                    incoming,
                    snapshot,
                    filtered))
            .as("EvenPodsSpread " + step)
            .containsExactlyEntriesOf(
                EvenPodsSpreadPropertyTest.oracle(shape, nodes, filtered, pods));
        PodSelectorCounts counts =
            new PodSelectorCounts(
                SpreadSelector.fromSet(labels("app", "web")),
                "default",
                forgetful.refresh(infos, snapshot.numNodes()));
        for (NodeInfo ni : infos) {
          assertThat(counts.countMatchingPods(ni))
              .as("forgetful index on %s %s", ni.nodeName(), step)
              .isEqualTo(naiveCount(pods, ni.nodeName()));
        }
      }
      forgetfulResets += forgetful.resets();
    }
  }

  /** Live pods of {@code default} labelled app=web on the node. */
  private static long naiveCount(List<Pod> pods, String nodeName) {
    long n = 0;
    for (Pod p : pods) {
      if (p.getSpec().getNodeName().equals(nodeName)
          && p.getMetadata().getNamespace().equals("default")
          && p.getMetadata().getDeletionTimestamp() == null
          && "web".equals(p.getMetadata().getLabels().get("app"))) {
        n++;
      }
    }
    return n;
  }

  /** One change to the cluster, through the cache, mirrored in {@code nodes} and {@code pods}. */
  private static void apply(int op, SchedulerCache cache, List<Node> nodes, List<Pod> pods) {
    int kind = op % 5;
    int arg = op / 5;
    switch (kind) {
      case 0, 1 -> {
        Map<String, String> l = new LinkedHashMap<>();
        l.put("app", APPS.get(arg % 3));
        if ((arg / 3) % 2 == 0) {
          l.put("tier", "front");
        }
        if ((arg / 6) % 3 == 0) {
          // A label of its own: a new kind of pod, as a rollout's pod-template-hash makes.
          l.put("hash", "h" + arg);
        }
        Pod p = pod((arg / 18) % 4 == 0 ? "other" : "default", nodeName(nodes, arg / 72), l);
        pods.add(p);
        cache.addPod(p);
      }
      case 2 -> {
        if (!pods.isEmpty()) {
          cache.removePod(pods.remove(arg % pods.size()));
        }
      }
      case 3 -> {
        if (!pods.isEmpty()) {
          int i = arg % pods.size();
          Pod old = pods.get(i);
          PodBuilder b = new PodBuilder(old);
          if ((arg / 7) % 2 == 0) {
            b.editMetadata().withDeletionTimestamp(Instant.EPOCH.toString()).endMetadata();
          } else {
            b.editMetadata().addToLabels("app", APPS.get((arg / 14) % 3)).endMetadata();
          }
          Pod updated = b.build();
          pods.set(i, updated);
          cache.updatePod(old, updated);
        }
      }
      default -> {
        int i = arg % nodes.size();
        Node old = nodes.get(i);
        Node updated =
            new NodeBuilder(old)
                .editMetadata()
                .withLabels(nodeLabels(i, arg / 7))
                .endMetadata()
                .build();
        nodes.set(i, updated);
        cache.updateNode(old, updated);
      }
    }
  }

  private static String nodeName(List<Node> nodes, int k) {
    return nodes.get(k % nodes.size()).getMetadata().getName();
  }

  /**
   * A zone under both the beta label SelectorSpread reads and the plain key the soft constraints
   * use, or none; the per-node key "host" or not; the "disk" label the node selector asks for.
   */
  private static Map<String, String> nodeLabels(int i, int r) {
    Map<String, String> l = new LinkedHashMap<>();
    String zone = ZONES.get(r % 3);
    if (!zone.isEmpty()) {
      l.put(SpreadOracle.BETA_ZONE, zone);
      l.put("zone", zone);
    }
    if ((r / 3) % 4 != 0) {
      l.put("host", "n" + i);
    }
    if ((r / 12) % 2 == 0) {
      l.put("disk", "ssd");
    }
    return l;
  }

  /** A web replica with the soft constraints (and node selector) that {@code shape} names. */
  private static Pod incoming(int shape) {
    Fixtures.PodFixture f = Fixtures.pod("incoming").labels("app", "web");
    if ((shape & 1) != 0) {
      f.spreadConstraint(
          1,
          "zone",
          "ScheduleAnyway",
          Fixtures.matchExpressions(Fixtures.labelExpr("app", "Exists")));
    }
    if ((shape & 2) != 0) {
      f.spreadConstraint(2, "host", "ScheduleAnyway", Fixtures.matchLabels("tier", "front"));
    }
    if ((shape & 4) != 0) {
      f.spreadConstraint(1, "zone", "DoNotSchedule", Fixtures.matchLabels("app", "web"));
    }
    if ((shape & 8) != 0) {
      f.nodeSelector("disk", "ssd");
    }
    Pod p = f.build();
    p.getMetadata().setNamespace("default");
    return p;
  }

  /** The metadata factory of one scheduler: this chapter's parts, built once. */
  private static MetadataFactory factory(Snapshot snapshot, SpreadListers listers) {
    AlgorithmFactoryArgs args = Run.args(snapshot, listers);
    Map<MetadataExtension<?>, MetadataPart<?>> parts = new LinkedHashMap<>();
    for (MetadataExtension<?> e : SpreadMetadata.EXTENSIONS) {
      parts.put(e, e.factory().apply(args));
    }
    return new MetadataFactory(1, null, parts);
  }
}
