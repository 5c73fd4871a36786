package io.kubelab.scheduler.spread;

import static io.kubelab.scheduler.spread.Objects.labels;
import static io.kubelab.scheduler.spread.Objects.node;
import static io.kubelab.scheduler.spread.Objects.pod;
import static io.kubelab.scheduler.spread.Objects.service;
import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.kubelab.scheduler.algorithm.PriorityMetadata;
import io.kubelab.scheduler.cache.Snapshot;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.generators.Generate;

/**
 * Model-based: a random sequence of operations (add or remove a pod, add or remove a Service) on a
 * small zoned cluster; after every step SelectorSpreadPriority's scores for a fixed incoming pod,
 * with metadata and without, equal {@link SpreadOracle}'s naive recount.
 */
class SelectorSpreadModelTest {

  static final List<String> NAMESPACES = List.of("default", "prod");
  static final List<String> APPS = List.of("web", "api");
  static final List<String> TIERS = List.of("front", "back");
  static final List<String> ZONES = List.of("", "z0", "z1", "z2");

  @Test
  void scoresEqualANaiveRecountAfterEveryOperation() {
    qt().withFixedSeed(0x5e1ec7L)
        .withExamples(150)
        .withShrinkCycles(200)
        .forAll(
            Generate.intArrays(Generate.range(1, 6), Generate.range(0, 3)),
            Generate.intArrays(Generate.range(0, 60), Generate.range(0, 9999)))
        .checkAssert(this::runSequence);
  }

  private void runSequence(int[] zones, int[] ops) {
    List<Node> nodes = new ArrayList<>();
    for (int i = 0; i < zones.length; i++) {
      String z = ZONES.get(zones[i]);
      nodes.add(node("n" + i, z.isEmpty() ? Map.of() : labels(SpreadOracle.BETA_ZONE, z)));
    }
    Pod incoming = pod("prod", null, labels("app", "web", "tier", "front"));
    List<Pod> pods = new ArrayList<>();
    List<Service> services = new ArrayList<>();
    InMemoryListers listers = new InMemoryListers();
    for (int op : ops) {
      int kind = op % 5;
      int arg = op / 5;
      switch (kind) {
        case 0, 1 -> {
          Pod p =
              pod(
                  NAMESPACES.get(arg % 2),
                  "n" + (arg / 2) % nodes.size(),
                  labels("app", APPS.get((arg / 7) % 2), "tier", TIERS.get((arg / 14) % 2)));
          if ((arg / 28) % 5 == 0) {
            p.getMetadata().setDeletionTimestamp(Instant.EPOCH.toString());
          }
          pods.add(p);
        }
        case 2 -> {
          if (!pods.isEmpty()) {
            pods.remove(arg % pods.size());
          }
        }
        case 3 -> {
          Map<String, String> sel = new LinkedHashMap<>();
          if (arg % 3 != 0) {
            sel.put("app", APPS.get((arg / 3) % 2));
          }
          if (arg % 3 != 1) {
            sel.put("tier", TIERS.get((arg / 6) % 2));
          }
          Service s = service(NAMESPACES.get((arg / 12) % 2), sel);
          services.add(s);
          listers.add(s);
        }
        default -> {
          if (!services.isEmpty()) {
            listers.remove(services.remove(arg % services.size()));
          }
        }
      }
      Snapshot snapshot = Snapshot.of(pods, nodes);
      Map<String, Long> expected = SpreadOracle.selectorSpread(incoming, nodes, pods, services);
      SpreadListers l = listers.spreadListers();
      SelectorSpread spread = new SelectorSpread(l);
      for (PriorityMetadata meta :
          new PriorityMetadata[] {null, Run.metadata(incoming, l, nodes, snapshot)}) {
        assertThat(
                Run.mapReduce(
                    spread::calculateSpreadPriorityMap,
                    SelectorSpread::calculateSpreadPriorityReduce,
                    meta,
                    incoming,
                    snapshot,
                    nodes))
            .as("after %d pods and %d services, metadata %s", pods.size(), services.size(), meta)
            .containsExactlyEntriesOf(expected);
      }
    }
  }
}
