package io.kubelab.scheduler.framework.plugins;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.spread.InMemoryListers;
import io.kubelab.scheduler.spread.SpreadListers;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * DefaultPodTopologySpread keeps its pod counts across cycles and looks again only at nodes that
 * changed: a pod bound, removed or relabelled between two cycles must show in the next cycle's
 * scores exactly as if the plugin had counted every pod afresh.
 */
class DefaultPodTopologySpreadCyclesTest {

  private static final Map<String, String> APP = Map.of("app", "web");

  private final FakeClock clock = new FakeClock();
  private final SchedulerCache cache = new SchedulerCache(clock);
  private final Snapshot snapshot = new Snapshot();
  private final Parallelizer parallelizer = new Parallelizer("dpts-cycles", 1);

  @AfterEach
  void close() {
    parallelizer.close();
    cache.close();
  }

  private final List<Node> nodes =
      List.of(
          node("a1").zone("zone-a").build(),
          node("a2").zone("zone-a").build(),
          node("b1").zone("zone-b").build());

  private DefaultPodTopologySpread plugin() {
    InMemoryListers listers = new InMemoryListers();
    listers.add(
        new ServiceBuilder()
            .withNewMetadata()
            .withNamespace("default")
            .withName("web")
            .endMetadata()
            .withNewSpec()
            .withSelector(APP)
            .endSpec()
            .build());
    FrameworkImpl h =
        PluginHandles.builder(snapshot, parallelizer)
            .clock(clock)
            .component(SpreadListers.class, listers.spreadListers())
            .build();
    return new DefaultPodTopologySpread(h);
  }

  private static Pod web(String name, String nodeName) {
    return pod(name).uid(name).labels(APP).nodeName(nodeName).build();
  }

  private Map<String, Long> cycle(DefaultPodTopologySpread plugin) {
    cache.updateSnapshot(snapshot);
    Pod incoming = pod("incoming").labels(APP).build();
    CycleState state = new CycleState();
    assertThat(plugin.preScore(state, incoming, nodes)).isEqualTo(Status.SUCCESS);
    NodeScoreList list =
        new NodeScoreList(nodes.stream().map(n -> n.getMetadata().getName()).toList());
    for (int i = 0; i < list.size(); i++) {
      list.setScore(i, plugin.score(state, incoming, snapshot.get(list.name(i))));
    }
    assertThat(plugin.normalizeScore(state, incoming, list)).isEqualTo(Status.SUCCESS);
    Map<String, Long> m = new LinkedHashMap<>();
    for (int i = 0; i < list.size(); i++) {
      m.put(list.name(i), list.score(i));
    }
    return m;
  }

  @Test
  void podsBoundOrRemovedBetweenCyclesCountInTheNextCycle() {
    nodes.forEach(cache::addNode);
    cache.addPod(web("w1", "a1"));
    DefaultPodTopologySpread plugin = plugin();

    // a1 holds one: node scores 0/100/100; zone-a 1, zone-b 0: a2 = 100/3 + 0 = 33.
    assertThat(cycle(plugin)).containsExactly(entry("a1", 0), entry("a2", 33), entry("b1", 100));

    // Two more bound in zone b: b1 2, a1 1. Nodes 50/100/0; zones a 1, b 2: 50 and 0.
    cache.addPod(web("w2", "b1"));
    cache.addPod(web("w3", "b1"));
    assertThat(cycle(plugin)).containsExactly(entry("a1", 50), entry("a2", 66), entry("b1", 0));

    // w1 leaves a1: a1 0, b1 2. Nodes 100/100/0; zones a 0, b 2: 100 and 0.
    cache.removePod(web("w1", "a1"));
    assertThat(cycle(plugin)).containsExactly(entry("a1", 100), entry("a2", 100), entry("b1", 0));
  }

  @Test
  void aPodThatNoLongerMatchesAfterAnUpdateStopsCounting() {
    nodes.forEach(cache::addNode);
    Pod w1 = web("w1", "a2");
    cache.addPod(w1);
    DefaultPodTopologySpread plugin = plugin();
    assertThat(cycle(plugin)).containsExactly(entry("a1", 33), entry("a2", 0), entry("b1", 100));

    Pod relabelled = pod("w1").uid("w1").labels(Map.of("app", "batch")).nodeName("a2").build();
    cache.updatePod(w1, relabelled);
    assertThat(cycle(plugin)).containsExactly(entry("a1", 100), entry("a2", 100), entry("b1", 100));
  }

  private static Map.Entry<String, Long> entry(String node, long score) {
    return Map.entry(node, score);
  }
}
