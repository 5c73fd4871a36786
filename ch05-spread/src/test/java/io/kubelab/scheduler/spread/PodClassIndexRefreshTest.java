package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * What a refresh of the pod-class index promises, checked entry by entry against the pods and
 * labels themselves: every entry of a view is at its NodeInfo's current generation and names the
 * classes of the node's pods in order; an entry whose node did not change is the previous cycle's
 * very entry (that is the index's whole point); the same holds when the refresh runs on the
 * scheduler's workers. The expectations are computed from the fabric8 objects, never through the
 * index.
 */
class PodClassIndexRefreshTest {

  static final String ZONE = Zones.LABEL_ZONE_FAILURE_DOMAIN;
  static final String REGION = Zones.LABEL_ZONE_REGION;
  static final List<String> KEYS = List.of(ZONE, "rack", "absent");

  /** A class as the test sees a pod: namespace, terminating, labels (null taken as none). */
  record Expected(String namespace, boolean terminating, Map<String, String> labels) {
    static Expected of(Pod p) {
      Map<String, String> l = p.getMetadata().getLabels();
      String ns = p.getMetadata().getNamespace();
      return new Expected(
          ns == null ? "" : ns,
          p.getMetadata().getDeletionTimestamp() != null,
          l == null ? Map.of() : Map.copyOf(l));
    }

    static Expected of(PodClassIndex.PodClass c) {
      return new Expected(c.namespace(), c.terminating(), Map.copyOf(c.labels()));
    }
  }

  static Pod randomPod(Random r, String nodeName) {
    Pod p =
        switch (r.nextInt(5)) {
          case 0 -> pod("prod", nodeName, labels("app", "web"));
          case 1 -> pod("prod", nodeName, labels("app", "web", "tier", "t" + r.nextInt(3)));
          case 2 -> pod("dev", nodeName, labels("app", "api"));
          case 3 -> pod("prod", nodeName, Map.of());
          default -> pod("prod", nodeName, labels("app", "api"));
        };
    if (r.nextInt(6) == 0) {
      p.getMetadata().setLabels(null);
    }
    if (r.nextInt(8) == 0) {
      p.getMetadata().setDeletionTimestamp("2020-01-01T00:00:00Z");
    }
    return p;
  }

  static Node randomNode(Random r, String name) {
    Map<String, String> l = new HashMap<>();
    if (r.nextInt(4) != 0) {
      l.put(ZONE, "z" + r.nextInt(3));
      if (r.nextBoolean()) {
        l.put(REGION, "r" + r.nextInt(2));
      }
    }
    if (r.nextBoolean()) {
      l.put("rack", "rack-" + r.nextInt(4));
    }
    Node n = node(name, l);
    if (r.nextInt(10) == 0) {
      n.getMetadata().setLabels(null);
    }
    return n;
  }

  static Snapshot cluster(Random r, int nodes) {
    List<Node> ns = new ArrayList<>();
    List<Pod> ps = new ArrayList<>();
    for (int i = 0; i < nodes; i++) {
      String name = "n" + i;
      ns.add(randomNode(r, name));
      for (int k = r.nextInt(4); k > 0; k--) {
        ps.add(randomPod(r, name));
      }
    }
    return Snapshot.of(ps, ns);
  }

  /** Changes some nodes in place: a pod added or removed, or new labels. Returns their indexes. */
  static Set<Integer> change(Random r, List<NodeInfo> nodes) {
    Set<Integer> changed = new HashSet<>();
    for (int k = r.nextInt(1 + nodes.size() / 10); k >= 0; k--) {
      int i = r.nextInt(nodes.size());
      NodeInfo ni = nodes.get(i);
      switch (r.nextInt(3)) {
        case 0 -> ni.addPod(randomPod(r, ni.nodeName()));
        case 1 -> {
          if (ni.pods().isEmpty()) {
            ni.addPod(randomPod(r, ni.nodeName()));
          } else {
            ni.removePod(ni.pods().get(0));
          }
        }
        default -> ni.setNode(randomNode(r, ni.nodeName()));
      }
      changed.add(i);
    }
    return changed;
  }

  /** The classes of the view, in id order, read through a predicate that sees each once. */
  static List<Expected> classes(PodClassIndex.View v) {
    List<Expected> out = new ArrayList<>();
    v.matching(
        List.of(),
        c -> {
          out.add(Expected.of(c));
          return false;
        });
    return out;
  }

  static String zoneKey(Node n) {
    Map<String, String> l = n.getMetadata().getLabels();
    if (l == null || l.get(ZONE) == null) {
      return null;
    }
    return l.getOrDefault(REGION, "") + "/" + l.get(ZONE);
  }

  /** Every entry against its NodeInfo, every column against the node's labels. */
  static void checkAgainstTheObjects(PodClassIndex.View v, List<NodeInfo> nodes, String seed) {
    List<Expected> classes = classes(v);
    Map<String, Integer> zoneNumbers = new HashMap<>();
    for (int i = 0; i < nodes.size(); i++) {
      NodeInfo ni = nodes.get(i);
      PodClassIndex.NodeEntry e = v.entry(i);
      assertThat(e).as(seed + " node %d has an entry", i).isNotNull();
      assertThat(e.generation()).as(seed + " node %d generation", i).isEqualTo(ni.generation());
      assertThat(v.entry(ni)).as(seed).isSameAs(e);
      assertThat(v.name(i)).as(seed).isEqualTo(ni.nodeName());
      List<Expected> expected = ni.pods().stream().map(Expected::of).toList();
      List<Expected> actual = new ArrayList<>();
      for (int id : e.classIds()) {
        actual.add(classes.get(id));
      }
      assertThat(actual).as(seed + " classes of node %d", i).isEqualTo(expected);
      // Zones: the same key the same number, no key -1.
      String key = zoneKey(ni.node());
      if (key == null) {
        assertThat(v.zone(i)).as(seed).isEqualTo(-1);
      } else {
        Integer seen = zoneNumbers.putIfAbsent(key, v.zone(i));
        assertThat(v.zone(i))
            .as(seed + " zone of node %d", i)
            .isEqualTo(seen == null ? v.zone(i) : seen);
        assertThat(v.zone(i)).isBetween(0, v.zoneCount() - 1);
      }
      // Label columns: the value number names the node's value.
      Map<String, String> labels = ni.node().getMetadata().getLabels();
      for (String k : KEYS) {
        int[] column = v.domains(k);
        String value = labels == null ? null : labels.get(k);
        int keyId = v.keyId(k);
        if (value == null) {
          assertThat(column[i]).as(seed + " %s of node %d", k, i).isEqualTo(-1);
        } else {
          assertThat(column[i]).as(seed).isEqualTo(e.domain(keyId));
          assertThat(v.labelValue(keyId, column[i]))
              .as(seed + " %s of node %d", k, i)
              .isEqualTo(value);
        }
      }
    }
    assertThat(new HashSet<>(zoneNumbers.values())).hasSize(zoneNumbers.size());
  }

  @Test
  void everyEntryMatchesItsNodeAndOnlyChangedNodesGetNewEntries() {
    for (int seed = 1; seed <= 30; seed++) {
      Random r = new Random(seed);
      String s = "seed " + seed + ":";
      Snapshot snapshot = cluster(r, 5 + r.nextInt(40));
      List<NodeInfo> nodes = snapshot.list();
      PodClassIndex index = new PodClassIndex();
      PodClassIndex.View previous = index.refresh(nodes, nodes.size(), null, KEYS);
      checkAgainstTheObjects(previous, nodes, s);
      for (int cycle = 0; cycle < 5; cycle++) {
        Set<Integer> changed = change(r, nodes);
        PodClassIndex.View next = index.refresh(nodes, nodes.size(), null, KEYS);
        checkAgainstTheObjects(next, nodes, s);
        for (int i = 0; i < nodes.size(); i++) {
          if (changed.contains(i)) {
            assertThat(next.entry(i))
                .as(s + " changed node %d rebuilt", i)
                .isNotSameAs(previous.entry(i));
          } else {
            assertThat(next.entry(i))
                .as(s + " unchanged node %d reused", i)
                .isSameAs(previous.entry(i));
          }
        }
        previous = next;
      }
      assertThat(index.resets()).as(s).isZero();
    }
  }

  @Test
  void anotherListOfTheSameNodesFindsTheirEntriesByName() {
    for (int seed = 1; seed <= 20; seed++) {
      Random r = new Random(seed);
      String s = "seed " + seed + ":";
      Snapshot snapshot = cluster(r, 5 + r.nextInt(30));
      List<NodeInfo> nodes = snapshot.list();
      PodClassIndex index = new PodClassIndex();
      PodClassIndex.View first = index.refresh(nodes, nodes.size(), null, KEYS);
      Map<String, PodClassIndex.NodeEntry> byName = new HashMap<>();
      for (int i = 0; i < nodes.size(); i++) {
        byName.put(nodes.get(i).nodeName(), first.entry(i));
      }
      List<NodeInfo> shuffled = new ArrayList<>(nodes);
      Collections.shuffle(shuffled, r);
      // Clones (another snapshot of the same cluster) of some: same names and generations.
      for (int i = 0; i < shuffled.size(); i += 3) {
        shuffled.set(i, shuffled.get(i).clone());
      }
      Set<Integer> changed = change(r, shuffled);
      PodClassIndex.View next = index.refresh(shuffled, nodes.size(), null, KEYS);
      checkAgainstTheObjects(next, shuffled, s);
      for (int i = 0; i < shuffled.size(); i++) {
        PodClassIndex.NodeEntry before = byName.get(shuffled.get(i).nodeName());
        if (changed.contains(i)) {
          assertThat(next.entry(i)).as(s).isNotSameAs(before);
        } else {
          assertThat(next.entry(i))
              .as(s + " %s reused", shuffled.get(i).nodeName())
              .isSameAs(before);
        }
      }
    }
  }

  @Test
  void aRefreshOnTheWorkersGivesTheSameEntriesAsOnOneThread() {
    // From PARALLEL_MIN_NODES nodes on, the unchanged entries are looked up on the workers.
    int n = PodClassIndex.PARALLEL_MIN_NODES + 37;
    try (Parallelizer workers = new Parallelizer("index-test", 2)) {
      for (int seed = 1; seed <= 3; seed++) {
        Random r = new Random(seed);
        String s = "seed " + seed + ":";
        Snapshot snapshot = cluster(r, n);
        List<NodeInfo> nodes = snapshot.list();
        PodClassIndex index = new PodClassIndex();
        PodClassIndex.View previous = index.refresh(nodes, n, workers, KEYS);
        for (int cycle = 0; cycle < 3; cycle++) {
          Set<Integer> changed = change(r, nodes);
          // Every other cycle through another list: the lookup by name on the workers.
          List<NodeInfo> list = cycle % 2 == 0 ? nodes : new ArrayList<>(nodes);
          PodClassIndex.View next = index.refresh(list, n, workers, KEYS);
          checkAgainstTheObjects(next, list, s);
          for (int i = 0; i < n; i++) {
            assertThat(next.entry(i) == previous.entry(i))
                .as(s + " node %d reused iff unchanged", i)
                .isEqualTo(!changed.contains(i));
          }
          previous = next;
        }
      }
    }
  }

  @Test
  void aNodeWithTheSameNodeObjectKeepsItsLabelNumbersAndANewObjectIsReadAgain() {
    Node a = node("a", labels(ZONE, "z1", "rack", "r1"));
    Snapshot snapshot = Snapshot.of(List.of(pod("prod", "a", labels("app", "web"))), List.of(a));
    List<NodeInfo> nodes = snapshot.list();
    PodClassIndex index = new PodClassIndex();
    PodClassIndex.NodeEntry first = index.refresh(nodes, 1, null, KEYS).entry(0);
    // A pod added: a new entry, the label arrays carried over from the same Node object.
    nodes.get(0).addPod(pod("prod", "a", labels("app", "web")));
    PodClassIndex.NodeEntry second = index.refresh(nodes, 1, null, KEYS).entry(0);
    assertThat(second).isNotSameAs(first);
    assertThat(second.labelKeys()).isSameAs(first.labelKeys());
    assertThat(second.labelValues()).isSameAs(first.labelValues());
    // The node relabelled: its labels are read again.
    nodes.get(0).setNode(node("a", labels(ZONE, "z2", "rack", "r1")));
    PodClassIndex.View third = index.refresh(nodes, 1, null, KEYS);
    assertThat(third.entry(0).labelValues()).isNotSameAs(first.labelValues());
    assertThat(third.labelValue(third.keyId(ZONE), third.domains(ZONE)[0])).isEqualTo("z2");
    assertThat(third.zoneCount()).isEqualTo(2);
  }
}
