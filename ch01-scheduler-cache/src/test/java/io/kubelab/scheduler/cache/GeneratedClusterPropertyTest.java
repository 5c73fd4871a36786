package io.kubelab.scheduler.cache;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.apimachinery.testing.Generators;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The cache over the shared generated clusters (apimachinery's {@link Generators}): richer pods
 * than the model test's pool (init containers, overhead, extended resources, hugepages, host ports,
 * affinity), checked against {@link Snapshot#of}, which builds NodeInfos directly.
 */
class GeneratedClusterPropertyTest {

  @Test
  void cacheSnapshotAgreesWithADirectlyBuiltOneAndEmptiesCleanly() {
    qt().withFixedSeed(0xCAC4EL)
        .withExamples(100)
        .forAll(Generators.clusters(1, 8, 0, 24))
        .checkAssert(
            cluster -> {
              try (SchedulerCache cache = new SchedulerCache(new FakeClock())) {
                cluster.nodes().forEach(cache::addNode);
                List<Pod> bound = new ArrayList<>();
                for (Pod p : cluster.pods()) {
                  if (p.getSpec().getNodeName() != null) {
                    cache.addPod(p);
                    bound.add(p);
                  }
                }
                Snapshot fromCache = CacheChecks.fresh(cache);
                Snapshot direct = Snapshot.of(cluster.pods(), cluster.nodes());
                assertThat(fromCache.nodeInfoMap.keySet()).isEqualTo(direct.nodeInfoMap.keySet());
                for (NodeInfo d : direct.list()) {
                  NodeInfo c = fromCache.get(d.nodeName());
                  String where = d.nodeName() + " in " + cluster;
                  assertThat(c.requestedResource()).as(where).isEqualTo(d.requestedResource());
                  assertThat(c.nonZeroRequest()).as(where).isEqualTo(d.nonZeroRequest());
                  assertThat(c.allocatableResource()).as(where).isEqualTo(d.allocatableResource());
                  assertThat(c.usedPorts()).as(where).isEqualTo(d.usedPorts());
                  assertThat(c.taints()).as(where).isEqualTo(d.taints());
                  assertThat(c.pods()).as(where).containsExactlyInAnyOrderElementsOf(d.pods());
                  CacheChecks.assertAggregatesMatchPods(where, c);
                }
                // The list is the zone round-robin of the nodes, zones in order of first sight.
                Map<String, List<String>> zones = new LinkedHashMap<>();
                for (Node n : cluster.nodes()) {
                  zones
                      .computeIfAbsent(NodeTree.zoneKey(n), k -> new ArrayList<>())
                      .add(n.getMetadata().getName());
                }
                assertThat(CacheChecks.names(fromCache.list()))
                    .isEqualTo(NodeTreeTest.roundRobin(zones));

                // Removing every pod brings every aggregate back to zero.
                for (Pod p : bound) {
                  cache.removePod(p);
                }
                cache.updateSnapshot(fromCache);
                for (NodeInfo ni : fromCache.list()) {
                  assertThat(ni.pods()).isEmpty();
                  assertThat(ni.requestedResource().isZero()).as(ni.toString()).isTrue();
                  assertThat(ni.nonZeroRequest()).isEqualTo(Resource.ZERO);
                  assertThat(ni.usedPorts().size()).isZero();
                }
                assertThat(cache.podCount()).isZero();
              }
            });
  }
}
