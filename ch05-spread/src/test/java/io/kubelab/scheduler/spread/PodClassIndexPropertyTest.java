package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import io.kubelab.apimachinery.testing.Generators;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/**
 * The pod-class index against the selector itself, over generated pods and selectors of every shape
 * a workload or a constraint can have ({@code matchLabels}, {@code In} with several values, {@code
 * NotIn}, {@code Exists}, {@code DoesNotExist}, empty): counting through the index gives, on every
 * node, the number of pods a plain walk over the node's pods finds.
 */
class PodClassIndexPropertyTest {

  static final List<String> NAMESPACES = List.of("default", "prod", "");

  /** A pod as drawn: its labels, and two numbers choosing node, namespace and deletion. */
  record Drawn(Map<String, String> labels, int where, int what) {}

  static final Gen<List<Drawn>> PODS =
      SourceDSL.lists()
          .of(Generators.labelSets().zip(Generate.range(0, 99), Generate.range(0, 99), Drawn::new))
          .ofSizeBetween(0, 40);

  @Test
  void countsThroughTheIndexEqualAWalkOverEveryPod() {
    qt().withFixedSeed(0xc1a55L)
        .withExamples(300)
        .forAll(PODS, Generators.labelSelectors(), Generate.range(1, 5), Generate.range(0, 2))
        .checkAssert(this::check);
  }

  private void check(List<Drawn> drawn, LabelSelector wanted, int nodeCount, int nsIndex) {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < nodeCount; i++) {
      nodes.add(node("n" + i, Map.of()));
    }
    List<Pod> pods = new ArrayList<>();
    for (Drawn d : drawn) {
      Pod p = pod(NAMESPACES.get(d.what() % 3), "n" + d.where() % nodeCount, d.labels());
      if (d.what() % 4 == 0) {
        p.getMetadata().setDeletionTimestamp(Instant.EPOCH.toString());
      }
      pods.add(p);
    }
    Snapshot snapshot = Snapshot.of(pods, nodes);
    Selector selector = LabelSelectors.compile(wanted, "selector");
    SpreadSelector spread = SpreadSelector.of(selector.requirements());
    String namespace = NAMESPACES.get(nsIndex);
    // An index that has seen other pods before: its classes are not only these.
    PodClassIndex index = new PodClassIndex();
    index.refresh(Snapshot.of(pods.subList(0, pods.size() / 2), nodes).list(), nodeCount);
    PodSelectorCounts counts =
        new PodSelectorCounts(spread, namespace, index.refresh(snapshot.list(), nodeCount));
    for (NodeInfo ni : snapshot.list()) {
      long walked = 0;
      for (Pod p : ni.pods()) {
        if (!spread.isEmpty()
            && SelectorSpread.namespace(p).equals(namespace)
            && p.getMetadata().getDeletionTimestamp() == null
            && selector.matches(p.getMetadata().getLabels())) {
          walked++;
        }
      }
      assertThat(counts.countMatchingPods(ni))
          .as("%s on %s in namespace '%s'", spread, ni.nodeName(), namespace)
          .isEqualTo(walked);
    }
  }
}
