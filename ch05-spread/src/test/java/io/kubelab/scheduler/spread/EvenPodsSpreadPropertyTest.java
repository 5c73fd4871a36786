package io.kubelab.scheduler.spread;

import static io.kubelab.apimachinery.testing.Fixtures.labelExpr;
import static io.kubelab.apimachinery.testing.Fixtures.matchExpressions;
import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * EvenPodsSpreadPriority against a naive statement of v1.17's rule over generated clusters: soft
 * constraints on a zone key and on a per-node key, some nodes without one of them, some failing
 * filtering, a node selector, pods of several namespaces, some being deleted.
 */
class EvenPodsSpreadPropertyTest {

  static final List<String> KEYS = List.of("zone", "host");

  @Test
  void scoresEqualANaiveRecount() {
    qt().withFixedSeed(0xe4e2L)
        .withExamples(250)
        .withShrinkCycles(200)
        .forAll(
            Generate.intArrays(Generate.range(1, 8), Generate.range(0, 99)),
            Generate.intArrays(Generate.range(0, 40), Generate.range(0, 999)),
            Generate.range(0, 15))
        .checkAssert(this::check);
  }

  private void check(int[] nodeRecipe, int[] podRecipe, int podShape) {
    List<Node> nodes = new ArrayList<>();
    List<Node> filtered = new ArrayList<>();
    for (int i = 0; i < nodeRecipe.length; i++) {
      int r = nodeRecipe[i];
      Map<String, String> l = new LinkedHashMap<>();
      if (r % 5 != 0) {
        l.put("zone", "z" + (r % 3));
      }
      if ((r / 5) % 4 != 0) {
        l.put("host", "n" + i);
      }
      if ((r / 20) % 2 == 0) {
        l.put("disk", "ssd");
      }
      Node n = node("n" + i, l);
      nodes.add(n);
      if (r < 80) {
        filtered.add(n);
      }
    }
    List<Pod> pods = new ArrayList<>();
    for (int r : podRecipe) {
      Map<String, String> l = new LinkedHashMap<>();
      if (r % 3 != 0) {
        l.put("app", "web");
      }
      if ((r / 3) % 2 == 0) {
        l.put("tier", "front");
      }
      Pod p = pod((r / 6) % 3 == 0 ? "other" : "default", "n" + (r / 18) % nodes.size(), l);
      if ((r / 7) % 4 == 0) {
        p.getMetadata().setDeletionTimestamp(Instant.EPOCH.toString());
      }
      pods.add(p);
    }
    Fixtures.PodFixture f = Fixtures.pod("incoming").labels("app", "web");
    if ((podShape & 1) != 0) {
      f.spreadConstraint(1, "zone", "ScheduleAnyway", matchExpressions(labelExpr("app", "Exists")));
    }
    if ((podShape & 2) != 0) {
      f.spreadConstraint(2, "host", "ScheduleAnyway", Fixtures.matchLabels("tier", "front"));
    }
    if ((podShape & 4) != 0) {
      f.spreadConstraint(1, "zone", "DoNotSchedule", Fixtures.matchLabels("app", "web"));
    }
    if ((podShape & 8) != 0) {
      f.nodeSelector("disk", "ssd");
    }
    Pod incoming = f.build();
    Snapshot snapshot = Snapshot.of(pods, nodes);
    if (filtered.isEmpty()) {
      return;
    }
    Map<String, Long> actual =
        Run.mapReduce(
            EvenPodsSpreadPriority::calculateEvenPodsSpreadPriorityMap,
            EvenPodsSpreadPriority::calculateEvenPodsSpreadPriorityReduce,
            Run.metadata(incoming, SpreadListers.EMPTY, filtered, snapshot),
            incoming,
            snapshot,
            filtered);
    assertThat(actual).containsExactlyEntriesOf(oracle(podShape, nodes, filtered, pods));
  }

  /** The rule, from scratch. */
  static Map<String, Long> oracle(int shape, List<Node> all, List<Node> filtered, List<Pod> pods) {
    List<String> keys = new ArrayList<>();
    List<Map<String, String>> selectors = new ArrayList<>();
    if ((shape & 1) != 0) {
      keys.add("zone");
      selectors.add(Map.of("app", "*"));
    }
    if ((shape & 2) != 0) {
      keys.add("host");
      selectors.add(Map.of("tier", "front"));
    }
    Map<String, Long> out = new LinkedHashMap<>();
    if (keys.isEmpty()) {
      filtered.forEach(n -> out.put(n.getMetadata().getName(), 0L));
      return out;
    }
    boolean needSsd = (shape & 8) != 0;
    // Pairs of the filtered nodes that have every key.
    Map<String, Long> pairCount = new HashMap<>();
    List<String> eligible = new ArrayList<>();
    for (Node n : filtered) {
      Map<String, String> l = n.getMetadata().getLabels();
      if (keys.stream().allMatch(l::containsKey)) {
        eligible.add(n.getMetadata().getName());
        keys.forEach(k -> pairCount.put(k + "=" + l.get(k), 0L));
      }
    }
    for (Node n : all) {
      Map<String, String> l = n.getMetadata().getLabels();
      if (!keys.stream().allMatch(l::containsKey) || (needSsd && !"ssd".equals(l.get("disk")))) {
        continue;
      }
      for (int c = 0; c < keys.size(); c++) {
        String pair = keys.get(c) + "=" + l.get(keys.get(c));
        if (!pairCount.containsKey(pair)) {
          continue;
        }
        for (Pod p : pods) {
          // v1.17: any namespace, deleting or not.
          if (p.getSpec().getNodeName().equals(n.getMetadata().getName())
              && matches(selectors.get(c), p.getMetadata().getLabels())) {
            pairCount.merge(pair, 1L, Long::sum);
          }
        }
      }
    }
    Map<String, Long> raw = new LinkedHashMap<>();
    for (Node n : filtered) {
      String name = n.getMetadata().getName();
      long s = 0;
      if (eligible.contains(name)) {
        for (String k : keys) {
          s += pairCount.get(k + "=" + n.getMetadata().getLabels().get(k));
        }
      }
      raw.put(name, s);
    }
    long total = 0;
    long min = Long.MAX_VALUE;
    for (String e : eligible) {
      total += raw.get(e);
      min = Math.min(min, raw.get(e));
    }
    long diff = total - min;
    for (Node n : filtered) {
      String name = n.getMetadata().getName();
      if (diff == 0) {
        out.put(name, 100L);
      } else if (!eligible.contains(name)) {
        out.put(name, 0L);
      } else {
        out.put(name, (long) (100.0 * ((double) (total - raw.get(name)) / (double) diff)));
      }
    }
    return out;
  }

  static boolean matches(Map<String, String> selector, Map<String, String> podLabels) {
    for (Map.Entry<String, String> e : selector.entrySet()) {
      String v = podLabels.get(e.getKey());
      if (v == null || (!e.getValue().equals("*") && !e.getValue().equals(v))) {
        return false;
      }
    }
    return true;
  }

  @Test
  void aMalformedSoftSelectorLeavesTheWholeCycleWithoutMetadata() {
    Node n = node("n", labels("zone", "a"));
    Pod incoming =
        Fixtures.pod("p")
            .spreadConstraint(1, "zone", "ScheduleAnyway", matchExpressions(labelExpr("app", "In")))
            .build();
    Snapshot s = Snapshot.of(List.of(), List.of(n));
    assertThat(Run.metadata(incoming, SpreadListers.EMPTY, List.of(n), s)).isNull();
    assertThat(
            EvenPodsSpreadPriority.calculateEvenPodsSpreadPriorityMap(incoming, null, s.get("n")))
        .isZero();
  }
}
