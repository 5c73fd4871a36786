package io.kubelab.scheduler.cache;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.Node;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Zone keys, round-robin order and the exhausted-zone reset of upstream's node_tree.go. */
class NodeTreeTest {

  static Node inZone(String name, String zone) {
    return node(name)
        .withoutLabel(NodeTree.LABEL_ZONE_FAILURE_DOMAIN_STABLE)
        .label(NodeTree.LABEL_ZONE_FAILURE_DOMAIN, zone)
        .build();
  }

  static List<String> next(NodeTree t, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      out.add(t.next());
    }
    return out;
  }

  @Test
  void zoneKeyJoinsRegionAndZoneWithANul() {
    assertThat(NodeTree.zoneKey(node("n").zone("z1").region("r1").build())).isEqualTo("r1:\0:z1");
    assertThat(NodeTree.zoneKey(node("n").build())).as("no labels: one shared zone").isEmpty();
  }

  @Test
  void zoneKeyPrefersTheBetaLabelsAndFallsBackToTheStableOnes() {
    Node both =
        node("n")
            .label(NodeTree.LABEL_ZONE_FAILURE_DOMAIN, "beta")
            .label(NodeTree.LABEL_ZONE_FAILURE_DOMAIN_STABLE, "ga")
            .build();
    assertThat(NodeTree.zoneKey(both)).isEqualTo(":\0:beta");
    Node gaOnly =
        node("n")
            .label(NodeTree.LABEL_ZONE_FAILURE_DOMAIN_STABLE, "ga")
            .label(NodeTree.LABEL_ZONE_REGION_STABLE, "r")
            .build();
    assertThat(NodeTree.zoneKey(gaOnly)).isEqualTo("r:\0:ga");
    Node emptyBeta =
        node("n")
            .label(NodeTree.LABEL_ZONE_FAILURE_DOMAIN, "")
            .label(NodeTree.LABEL_ZONE_FAILURE_DOMAIN_STABLE, "ga")
            .build();
    assertThat(NodeTree.zoneKey(emptyBeta)).as("present but empty still wins").isEmpty();
  }

  @Test
  void nextTakesOneNodePerZoneInTurn() {
    NodeTree t = new NodeTree();
    t.addNode(inZone("a1", "a"));
    t.addNode(inZone("a2", "a"));
    t.addNode(inZone("a3", "a"));
    t.addNode(inZone("b1", "b"));
    t.addNode(inZone("c1", "c"));
    t.addNode(inZone("c2", "c"));
    assertThat(next(t, 6)).containsExactly("a1", "b1", "c1", "a2", "c2", "a3");
    assertThat(next(t, 6))
        .as("all exhausted: reset and start over")
        .containsExactly("a1", "b1", "c1", "a2", "c2", "a3");
  }

  @Test
  void aNodeAddedToAnExhaustedZoneIsStillPickedUp() {
    NodeTree t = new NodeTree();
    t.addNode(inZone("a1", "a"));
    t.addNode(inZone("a2", "a"));
    t.addNode(inZone("a3", "a"));
    t.addNode(inZone("b1", "b"));
    // The fourth call finds b exhausted and moves on to a.
    assertThat(next(t, 4)).containsExactly("a1", "b1", "a2", "a3");
    t.addNode(inZone("b2", "b"));
    // b is asked again although it was exhausted, so b2 comes before the reset.
    assertThat(next(t, 2)).containsExactly("b2", "a1");
  }

  @Test
  void duplicatesAreIgnoredAndMissesReported() {
    NodeTree t = new NodeTree();
    t.addNode(inZone("a1", "a"));
    t.addNode(inZone("a1", "a"));
    assertThat(t.numNodes()).isEqualTo(1);
    assertThatThrownBy(() -> t.removeNode(inZone("a1", "b")))
        .isInstanceOf(Cache.CacheException.class)
        .hasMessage("node \"a1\" in group \":\\0:b\" was not found");
    t.removeNode(inZone("a1", "a"));
    assertThat(t.numNodes()).isZero();
    assertThat(t.zones()).as("an empty zone is removed").isEmpty();
    assertThat(t.next()).isEmpty();
  }

  @Test
  void updateMovesANodeOnlyWhenItsZoneChanged() {
    NodeTree t = new NodeTree();
    Node a1 = inZone("a1", "a");
    t.addNode(a1);
    long v = t.version();
    t.updateNode(a1, inZone("a1", "a"));
    assertThat(t.version()).isEqualTo(v);
    t.updateNode(a1, inZone("a1", "b"));
    assertThat(t.zones()).containsExactly(":\0:b");
    assertThat(t.numNodes()).isEqualTo(1);
  }

  /** The reference order: round r takes node r of every zone that has one, zones in order. */
  static List<String> roundRobin(Map<String, List<String>> zones) {
    List<String> out = new ArrayList<>();
    int max = zones.values().stream().mapToInt(List::size).max().orElse(0);
    for (int r = 0; r < max; r++) {
      for (List<String> z : zones.values()) {
        if (r < z.size()) {
          out.add(z.get(r));
        }
      }
    }
    return out;
  }

  @Test
  void everyNodeOncePerCycleAndZonesRotateWhileMoreThanOneHasNodesLeft() {
    qt().withFixedSeed(0x1808L)
        .withExamples(300)
        .forAll(lists().of(integers().between(0, 4)).ofSizeBetween(1, 40))
        .checkAssert(
            zoneOfNode -> {
              NodeTree t = new NodeTree();
              Map<String, List<String>> zones = new LinkedHashMap<>();
              Map<String, Integer> zoneOf = new HashMap<>();
              for (int i = 0; i < zoneOfNode.size(); i++) {
                String name = "n" + i;
                int z = zoneOfNode.get(i);
                t.addNode(inZone(name, "z" + z));
                zones.computeIfAbsent("z" + z, k -> new ArrayList<>()).add(name);
                zoneOf.put(name, z);
              }
              int n = zoneOfNode.size();
              List<String> expected = roundRobin(zones);
              for (int cycle = 0; cycle < 3; cycle++) {
                List<String> got = next(t, n);
                assertThat(got).as("cycle " + cycle).containsExactlyElementsOf(expected);
                assertThat(got).doesNotHaveDuplicates().hasSize(n);
                // Consecutive picks share a zone only when that zone is the only one left.
                Map<Integer, Integer> left = new HashMap<>();
                zoneOf.values().forEach(z -> left.merge(z, 1, Integer::sum));
                for (int i = 0; i < n; i++) {
                  int z = zoneOf.get(got.get(i));
                  if (i > 0 && z == zoneOf.get(got.get(i - 1))) {
                    long zonesWithNodes = left.values().stream().filter(c -> c > 0).count();
                    assertThat(zonesWithNodes).as("picks %s at %d", got, i).isEqualTo(1);
                  }
                  left.merge(z, -1, Integer::sum);
                }
              }
            });
  }

  static Node labelled(Map<String, String> labels) {
    Node n = SparseObjectsTest.bare("n");
    n.getMetadata().setLabels(labels);
    return n;
  }

  @Test
  void zoneKeyPrefersTheBetaRegionLabelAndKeepsARegionWithoutAZone() {
    Node both =
        labelled(
            Map.of(
                NodeTree.LABEL_ZONE_REGION, "beta-r",
                NodeTree.LABEL_ZONE_REGION_STABLE, "ga-r",
                NodeTree.LABEL_ZONE_FAILURE_DOMAIN_STABLE, "z"));
    assertThat(NodeTree.zoneKey(both)).isEqualTo("beta-r:\0:z");
    Node regionOnly = labelled(Map.of(NodeTree.LABEL_ZONE_REGION_STABLE, "r"));
    assertThat(NodeTree.zoneKey(regionOnly)).isEqualTo("r:\0:");
  }

  @Test
  void zoneKeyReadsMissingMetadataLabelsOrLabelValuesAsEmpty() {
    Node noMeta = new Node();
    noMeta.setMetadata(null);
    assertThat(NodeTree.zoneKey(noMeta)).isEmpty();
    assertThat(NodeTree.zoneKey(labelled(null))).isEmpty();
    // A beta label present without a value wins over the stable one and reads as "".
    Map<String, String> nullValues = new HashMap<>();
    nullValues.put(NodeTree.LABEL_ZONE_FAILURE_DOMAIN, null);
    nullValues.put(NodeTree.LABEL_ZONE_FAILURE_DOMAIN_STABLE, "ga");
    nullValues.put(NodeTree.LABEL_ZONE_REGION, null);
    nullValues.put(NodeTree.LABEL_ZONE_REGION_STABLE, "ga-r");
    assertThat(NodeTree.zoneKey(labelled(nullValues))).isEmpty();
    nullValues.put(NodeTree.LABEL_ZONE_REGION, "r");
    assertThat(NodeTree.zoneKey(labelled(nullValues))).isEqualTo("r:\0:");
    nullValues.put(NodeTree.LABEL_ZONE_REGION, null);
    nullValues.put(NodeTree.LABEL_ZONE_FAILURE_DOMAIN, "z");
    assertThat(NodeTree.zoneKey(labelled(nullValues))).isEqualTo(":\0:z");
  }

  @Test
  void containsAndRemoveNodeFindANodeOnlyByItsNameInItsOwnZone() {
    NodeTree t = new NodeTree();
    t.addNode(inZone("a1", "a"));
    assertThat(t.contains(inZone("a1", "a"))).isTrue();
    assertThat(t.contains(inZone("a2", "a"))).as("another name in a known zone").isFalse();
    assertThat(t.contains(inZone("a1", "b"))).as("a zone never seen").isFalse();
    assertThatThrownBy(() -> t.removeNode(inZone("a2", "a")))
        .isInstanceOf(Cache.CacheException.class)
        .hasMessage("node \"a2\" in group \":\\0:a\" was not found");
    assertThat(t.numNodes()).isEqualTo(1);
    assertThat(t.nodesOf(":\0:a")).containsExactly("a1");
  }

  @Test
  void nodesOfListsAZonesNodesInInsertionOrderAndNothingForAnUnknownZone() {
    NodeTree t = new NodeTree();
    t.addNode(inZone("a2", "a"));
    t.addNode(inZone("b1", "b"));
    t.addNode(inZone("a1", "a"));
    assertThat(t.nodesOf(":\0:a")).containsExactly("a2", "a1");
    assertThat(t.nodesOf(":\0:b")).containsExactly("b1");
    assertThat(t.nodesOf(":\0:c")).isEmpty();
  }
}
