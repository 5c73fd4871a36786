package io.kubelab.scheduler.algorithm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.RealisticCluster;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.extender.ExtenderServer;
import io.kubelab.scheduler.extender.HttpExtender;
import io.kubelab.scheduler.extender.v1.ExtenderArgs;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import io.kubelab.scheduler.extender.v1.HostPriority;
import io.kubelab.scheduler.extender.v1.HostPriorityList;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.quicktheories.generators.Generate;

/**
 * Over generated clusters, an extender over HTTP decides exactly what the same rule decides in
 * process: the nodes a filter keeps (and why it fails the others), the node the generic scheduler
 * then picks, and the scores, which the scheduler adds as {@code Σ score × weight × 10}. The rules
 * are functions of a seed and a node's name, so the oracle recomputes them without the extender
 * code. (In this package to reach {@code GenericScheduler.prioritizeNodes}.)
 */
@Timeout(300)
class ExtenderRoundTripPropertyTest {

  /** Whether {@code node} passes the filter of {@code seed}: about two in three do. */
  static boolean keeps(long seed, String node) {
    return Math.floorMod(new SplittableRandom(seed ^ node.hashCode()).nextInt(), 3) != 0;
  }

  /** The score 0 to 10 extender {@code e} gives {@code node} for {@code seed}. */
  static long score(long seed, int e, String node) {
    return new SplittableRandom(seed * 31 + e ^ node.hashCode()).nextInt(11);
  }

  static List<String> names(List<Node> nodes) {
    return nodes.stream().map(n -> n.getMetadata().getName()).toList();
  }

  static ExtenderFilterResult filterBySeed(AtomicLong seed, ExtenderArgs a) {
    List<String> in = a.nodeNames() != null ? a.nodeNames() : names(a.nodes().getItems());
    Map<String, String> failed = new LinkedHashMap<>();
    List<String> kept = new ArrayList<>();
    for (String n : in) {
      if (keeps(seed.get(), n)) {
        kept.add(n);
      } else {
        failed.put(n, "filtered by seed " + seed.get());
      }
    }
    if (a.nodeNames() != null) {
      return new ExtenderFilterResult(null, kept, failed, "");
    }
    NodeList out = new NodeList();
    out.setItems(
        a.nodes().getItems().stream()
            .filter(n -> kept.contains(n.getMetadata().getName()))
            .toList());
    return new ExtenderFilterResult(out, null, failed, "");
  }

  /** The same filter, in process: what the generic scheduler would get without HTTP. */
  record InProcess(long seed) implements SchedulerExtender {
    @Override
    public String name() {
      return "in-process";
    }

    @Override
    public FilterResult filter(Pod pod, List<Node> nodes, Snapshot snapshot) {
      List<Node> kept = new ArrayList<>();
      Map<String, String> failed = new HashMap<>();
      for (Node n : nodes) {
        if (keeps(seed, n.getMetadata().getName())) {
          kept.add(n);
        } else {
          failed.put(n.getMetadata().getName(), "filtered by seed " + seed);
        }
      }
      return new FilterResult(kept, failed);
    }

    @Override
    public PrioritizeResult prioritize(Pod pod, List<Node> nodes) {
      Map<String, Long> zero = new HashMap<>();
      nodes.forEach(n -> zero.put(n.getMetadata().getName(), 0L));
      return new PrioritizeResult(zero, 0);
    }

    @Override
    public void bind(Binding binding) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isBinder() {
      return false;
    }

    @Override
    public boolean isInterested(Pod pod) {
      return true;
    }

    @Override
    public boolean isIgnorable() {
      return false;
    }
  }

  static GenericScheduler scheduler(
      SchedulerCache cache, Snapshot snapshot, List<SchedulerExtender> extenders, long seed) {
    return GenericScheduler.builder(cache, snapshot)
        .extenders(extenders)
        .random(new SplittableRandom(seed))
        .parallelism(1)
        .build();
  }

  @Test
  void aFilterOverHttpKeepsExactlyWhatTheSameFilterKeepsInProcess() {
    AtomicLong seed = new AtomicLong();
    try (ExtenderServer server =
        ExtenderServer.builder().filter("filter", a -> filterBySeed(seed, a)).start()) {
      qt().withFixedSeed(7007L)
          .withExamples(10)
          .forAll(
              Generate.range(20, 60), Generate.longRange(1, Long.MAX_VALUE), Generate.booleans())
          .checkAssert(
              (nodeCount, s, nodeCache) -> {
                seed.set(s);
                RealisticCluster c = RealisticCluster.generate(nodeCount, s);
                Pod pod = c.incoming("basic");
                String entry =
                    "{\"extenders\":[{\"urlPrefix\":\""
                        + server.urlPrefix()
                        + "\",\"filterVerb\":\"filter\",\"nodeCacheCapable\":"
                        + nodeCache
                        + "}]}";
                try (HttpExtender http =
                        HttpExtender.create(Policies.parse(entry).extenders().get(0));
                    SchedulerCache cache = new SchedulerCache(new FakeClock())) {
                  c.nodes().forEach(cache::addNode);
                  Snapshot snapshot = new Snapshot();
                  cache.updateSnapshot(snapshot);

                  SchedulerExtender.FilterResult overHttp = http.filter(pod, c.nodes(), snapshot);
                  SchedulerExtender.FilterResult inProcess =
                      new InProcess(s).filter(pod, c.nodes(), snapshot);
                  assertThat(names(overHttp.nodes())).isEqualTo(names(inProcess.nodes()));
                  assertThat(overHttp.failedNodes()).isEqualTo(inProcess.failedNodes());

                  try (GenericScheduler viaHttp =
                          scheduler(cache, new Snapshot(), List.of(http), s);
                      GenericScheduler local =
                          scheduler(cache, new Snapshot(), List.of(new InProcess(s)), s)) {
                    Object a = outcome(viaHttp, pod);
                    Object b = outcome(local, pod);
                    assertThat(a).isEqualTo(b);
                  }
                }
              });
    }
  }

  static Object outcome(GenericScheduler scheduler, Pod pod) {
    try {
      return scheduler.schedule(pod);
    } catch (FitError e) {
      return e.getMessage();
    }
  }

  @Test
  void combinedScoresAreTheWeightedSumScaledByTen() {
    AtomicLong seed = new AtomicLong();
    List<ExtenderServer> servers = new ArrayList<>();
    try {
      for (int e = 0; e < 2; e++) {
        int extender = e;
        servers.add(
            ExtenderServer.builder()
                .prioritize(
                    "prioritize",
                    a -> {
                      List<HostPriority> scores = new ArrayList<>();
                      for (String n : a.nodeNames()) {
                        scores.add(new HostPriority(n, score(seed.get(), extender, n)));
                      }
                      return new HostPriorityList(scores);
                    })
                .start());
      }
      qt().withFixedSeed(7008L)
          .withExamples(10)
          .forAll(
              Generate.range(20, 60),
              Generate.longRange(1, Long.MAX_VALUE),
              Generate.range(1, 5),
              Generate.range(1, 5))
          .checkAssert(
              (nodeCount, s, w0, w1) -> {
                seed.set(s);
                RealisticCluster c = RealisticCluster.generate(nodeCount, s);
                Pod pod = c.incoming("basic");
                List<HttpExtender> http = new ArrayList<>();
                int[] weights = {w0, w1};
                for (int e = 0; e < 2; e++) {
                  http.add(
                      HttpExtender.create(
                          Policies.parse(
                                  "{\"extenders\":[{\"urlPrefix\":\""
                                      + servers.get(e).urlPrefix()
                                      + "\",\"prioritizeVerb\":\"prioritize\",\"weight\":"
                                      + weights[e]
                                      + ",\"nodeCacheCapable\":true}]}")
                              .extenders()
                              .get(0)));
                }
                try (SchedulerCache cache = new SchedulerCache(new FakeClock());
                    GenericScheduler scheduler =
                        scheduler(cache, new Snapshot(), new ArrayList<>(http), s)) {
                  c.nodes().forEach(cache::addNode);
                  cache.updateSnapshot(scheduler.snapshot());
                  List<NodeInfo> nodes = scheduler.snapshot().list();

                  NodeScoreList scores = scheduler.prioritizeNodes(pod, null, nodes);

                  for (int i = 0; i < scores.size(); i++) {
                    String n = scores.name(i);
                    long expected = 10 * (w0 * score(s, 0, n) + w1 * score(s, 1, n));
                    assertThat(scores.score(i)).as("node %s", n).isEqualTo(expected);
                  }
                  assertThat(scores.size()).isEqualTo(nodeCount);
                } finally {
                  http.forEach(HttpExtender::close);
                }
              });
    } finally {
      servers.forEach(ExtenderServer::close);
    }
  }
}
