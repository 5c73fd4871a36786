package io.kubelab.scheduler.cache;

import static io.kubelab.apimachinery.testing.Fixtures.affinityTerm;
import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static io.kubelab.apimachinery.testing.Fixtures.node;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Model-based tests: random sequences of the nine cache operations, clock steps and explicit
 * cleanups, applied to a {@link SchedulerCache} and to a tiny reference model (pod → state, node,
 * deadline; the set of nodes). After every step the cache must agree with the model: which calls
 * were rejected, every pod's state, which NodeInfos exist (ghosts included), each NodeInfo's pods,
 * and aggregates equal to the sum over its pods. A second property checks that a snapshot updated
 * incrementally after every step equals one rebuilt from scratch.
 *
 * <p>Pods keep their requests for their whole life, as a pod's spec resources are immutable in
 * v1.18; only labels and the node they claim vary between operations.
 */
class CacheModelTest {

  static final int PODS = 6;
  static final int NODES = 4;
  static final long[] STEP_MILLIS = {500, 1000, 29_000, 31_000};

  /**
   * How often each interesting situation came up across all examples, so that a generator change
   * that stops reaching one (and would make the properties vacuous there) fails the test.
   */
  static final Map<String, Integer> COVERAGE = new java.util.concurrent.ConcurrentHashMap<>();

  static void saw(String what) {
    COVERAGE.merge(what, 1, Integer::sum);
  }

  enum Kind {
    ASSUME,
    FINISH_BINDING,
    FORGET,
    ADD_POD,
    UPDATE_POD,
    REMOVE_POD,
    ADD_NODE,
    UPDATE_NODE,
    REMOVE_NODE,
    STEP,
    CLEANUP,
  }

  record Op(Kind kind, int pod, int node, int variant) {
    @Override
    public String toString() {
      return switch (kind) {
        case STEP -> "STEP " + STEP_MILLIS[variant % STEP_MILLIS.length] + "ms";
        case CLEANUP -> "CLEANUP";
        case ADD_NODE, UPDATE_NODE, REMOVE_NODE -> kind + " n" + node + " v" + variant;
        default -> kind + " p" + pod + "@n" + node + " v" + variant;
      };
    }
  }

  /**
   * Kinds weighted towards the edges that need several steps in a row (assume, finish binding, a
   * long step: expiry), so that every edge is reached often, not by luck.
   */
  static final Kind[] WEIGHTED_KINDS = {
    Kind.ASSUME,
    Kind.ASSUME,
    Kind.FINISH_BINDING,
    Kind.FINISH_BINDING,
    Kind.FINISH_BINDING,
    Kind.FORGET,
    Kind.ADD_POD,
    Kind.ADD_POD,
    Kind.UPDATE_POD,
    Kind.REMOVE_POD,
    Kind.ADD_NODE,
    Kind.UPDATE_NODE,
    Kind.REMOVE_NODE,
    Kind.STEP,
    Kind.STEP,
    Kind.STEP,
    Kind.CLEANUP,
  };

  /**
   * Pod operations claim the pod's home node ({@code p % NODES}) unless the node coin says
   * otherwise (one time in four), so that the node-mismatch rejections occur without drowning the
   * accepted forgets, updates and removes.
   */
  static Gen<Op> ops() {
    Gen<Integer> kinds = integers().between(0, WEIGHTED_KINDS.length - 1);
    Gen<Integer> pods = integers().between(0, PODS - 1);
    Gen<Integer> nodes = integers().between(0, NODES * 4 - 1);
    Gen<Integer> variants = integers().between(0, 3);
    return kinds
        .zip(pods, nodes, (k, p, n) -> new int[] {k, p, n < NODES ? n : p % NODES})
        .zip(variants, (a, v) -> new Op(WEIGHTED_KINDS[a[0]], a[1], a[2], v));
  }

  /**
   * A scheduler finishes binding the pod it just assumed: most FINISH_BINDING ops (all but variant
   * 3) are pointed at the pod of the latest ASSUME before them. Without this, expiry (which needs
   * assume, finish binding and 30 s without a confirmation, for the same pod) is rare.
   */
  static List<Op> chained(List<Op> ops) {
    List<Op> out = new java.util.ArrayList<>(ops.size());
    int lastAssumed = -1;
    for (Op op : ops) {
      if (op.kind() == Kind.ASSUME) {
        lastAssumed = op.pod();
      }
      if (op.kind() == Kind.FINISH_BINDING && op.variant() != 3 && lastAssumed >= 0) {
        op = new Op(op.kind(), lastAssumed, op.node(), op.variant());
      }
      out.add(op);
    }
    return out;
  }

  // ------------------------------------------------------------------ objects

  // Built once: fabric8 builders are slow, and the model compares pods by identity anyway.
  static final Pod[][][] POD_POOL = new Pod[PODS][NODES][4];
  static final Node[][] NODE_POOL = new Node[NODES][4];

  static {
    for (int p = 0; p < PODS; p++) {
      for (int n = 0; n < NODES; n++) {
        for (int v = 0; v < 4; v++) {
          POD_POOL[p][n][v] = buildPod(p, n, v);
        }
      }
    }
    for (int n = 0; n < NODES; n++) {
      for (int v = 0; v < 4; v++) {
        NODE_POOL[n][v] = buildNode(n, v);
      }
    }
  }

  static Pod pod(int p, int n, int variant) {
    return POD_POOL[p][n][variant];
  }

  static Node nodeOf(int n, int variant) {
    return NODE_POOL[n][variant];
  }

  /** Pod {@code p} claiming node {@code n}; {@code variant} only changes a label. */
  static Pod buildPod(int p, int n, int variant) {
    Fixtures.PodFixture f =
        Fixtures.pod("p" + p)
            .uid("uid-" + p)
            .label("variant", "v" + variant)
            .requests((p + 1) * 100 + "m", (p + 1) * 64 + "Mi")
            .nodeName("n" + n);
    if (p % 3 == 0) {
      f.hostPort(8080 + p % 2);
    }
    if (p == 1) {
      f.requiredPodAntiAffinity(affinityTerm("kubernetes.io/hostname", matchLabels("app", "x")));
    }
    if (p == 4) {
      f.preferredPodAffinity(10, affinityTerm("kubernetes.io/hostname", matchLabels("app", "y")));
    }
    if (p == 5) {
      f.request("example.com/widget", "2");
    }
    return f.build();
  }

  /** Node {@code n}; {@code variant} picks its zone labels, allocatable and images. */
  static Node buildNode(int n, int variant) {
    Fixtures.NodeFixture f = node("n" + n).allocatable((variant + 2) + "", "8Gi");
    switch (variant) {
      case 0 -> f.zone("zone-a");
      case 1 -> f.zone("zone-b");
      case 2 -> {}
      default -> f.label(NodeTree.LABEL_ZONE_FAILURE_DOMAIN_STABLE, "zone-a");
    }
    f.image(100, "common:1");
    f.image(10 * (variant + 1), "img-" + variant);
    if (variant == 1) {
      f.taint("dedicated", "x", "NoSchedule");
    }
    return f.build();
  }

  // ------------------------------------------------------------------ the model

  static final class Model {
    enum State {
      ASSUMED,
      ADDED
    }

    static final class P {
      State state;
      int node;
      Pod obj;
      boolean bindingFinished;
      Instant deadline;
    }

    final Instant start = FakeClock.DEFAULT_START;
    Instant now = start;
    final Map<Integer, P> pods = new HashMap<>();
    final Map<Integer, Node> nodes = new HashMap<>();

    /** Applies the op; returns true when the cache must reject it. */
    boolean apply(Op op, Pod pod) {
      P mp = pods.get(op.pod());
      int before = pods.size();
      int nodeBefore = mp == null ? -1 : mp.node;
      boolean wasAssumed = mp != null && mp.state == State.ASSUMED;
      boolean rejected = apply0(op, pod, mp);
      saw(op.kind() + (rejected ? " rejected" : " accepted"));
      if ((op.kind() == Kind.STEP || op.kind() == Kind.CLEANUP) && pods.size() < before) {
        saw("expiry");
      }
      if (op.kind() == Kind.ADD_POD && !rejected && wasAssumed && nodeBefore != op.node()) {
        saw("assumed pod added on another node");
      }
      for (P p : pods.values()) {
        if (!nodes.containsKey(p.node)) {
          saw("ghost");
          break;
        }
      }
      return rejected;
    }

    boolean apply0(Op op, Pod pod, P mp) {
      switch (op.kind()) {
        case ASSUME -> {
          if (mp != null) {
            return true;
          }
          P np = new P();
          np.state = State.ASSUMED;
          np.node = op.node();
          np.obj = pod;
          pods.put(op.pod(), np);
        }
        case FINISH_BINDING -> {
          if (mp != null && mp.state == State.ASSUMED) {
            mp.bindingFinished = true;
            mp.deadline = now.plusSeconds(30);
          }
        }
        case FORGET -> {
          if (mp == null || mp.node != op.node() || mp.state != State.ASSUMED) {
            return true;
          }
          pods.remove(op.pod());
        }
        case ADD_POD -> {
          if (mp == null && expired.remove(op.pod())) {
            saw("expired pod added back");
          }
          if (mp == null) {
            P np = new P();
            np.state = State.ADDED;
            np.node = op.node();
            np.obj = pod;
            pods.put(op.pod(), np);
          } else if (mp.state == State.ASSUMED) {
            mp.state = State.ADDED;
            mp.node = op.node();
            mp.obj = pod;
            mp.deadline = null;
          } else {
            return true;
          }
        }
        case UPDATE_POD -> {
          if (mp == null || mp.state != State.ADDED || mp.node != op.node()) {
            return true;
          }
          mp.obj = pod;
        }
        case REMOVE_POD -> {
          if (mp == null || mp.state != State.ADDED || mp.node != op.node()) {
            return true;
          }
          pods.remove(op.pod());
        }
        case ADD_NODE, UPDATE_NODE -> nodes.put(op.node(), nodeOf(op.node(), op.variant()));
        case REMOVE_NODE -> {
          if (!nodes.containsKey(op.node())) {
            return true;
          }
          nodes.remove(op.node());
        }
        case STEP -> {
          now = now.plusMillis(STEP_MILLIS[op.variant() % STEP_MILLIS.length]);
          long ticks = Duration.between(start, now).toSeconds();
          expire(start.plusSeconds(ticks));
        }
        case CLEANUP -> expire(now);
      }
      return false;
    }

    /** What a cleanup at {@code t} does; for a step, t is the last 1 s tick in it. */
    /** Pods expired and not added back since: an add of one of them is the Expired → Added edge. */
    final Set<Integer> expired = new HashSet<>();

    void expire(Instant t) {
      pods.entrySet()
          .removeIf(
              e -> {
                P p = e.getValue();
                boolean gone =
                    p.state == State.ASSUMED && p.bindingFinished && t.isAfter(p.deadline);
                if (gone) {
                  expired.add(e.getKey());
                }
                return gone;
              });
    }
  }

  /** The pod object an operation passes to the cache, as an informer or the scheduler would. */
  static Pod argument(Op op, Model m) {
    Model.P mp = m.pods.get(op.pod());
    return switch (op.kind()) {
      // The scheduler finishes binding the object it assumed.
      case FINISH_BINDING -> mp != null ? mp.obj : pod(op.pod(), op.node(), 0);
      default -> pod(op.pod(), op.node(), op.variant());
    };
  }

  static void run(SchedulerCache cache, FakeClock clock, Model m, Op op) {
    Pod arg = argument(op, m);
    Model.P before = m.pods.get(op.pod());
    Pod oldPod = before != null ? before.obj : pod(op.pod(), op.node(), 0);
    Node oldNode = m.nodes.get(op.node());
    Node removeArg = oldNode != null ? oldNode : nodeOf(op.node(), 0);
    boolean mustReject = m.apply(op, arg);
    Runnable call =
        switch (op.kind()) {
          case ASSUME -> () -> cache.assumePod(arg);
          case FINISH_BINDING -> () -> cache.finishBinding(arg);
          case FORGET -> () -> cache.forgetPod(arg);
          case ADD_POD -> () -> cache.addPod(arg);
          case UPDATE_POD -> () -> cache.updatePod(oldPod, arg);
          case REMOVE_POD -> () -> cache.removePod(arg);
          case ADD_NODE -> () -> cache.addNode(m.nodes.get(op.node()));
          case UPDATE_NODE -> () -> cache.updateNode(oldNode, m.nodes.get(op.node()));
          case REMOVE_NODE -> () -> cache.removeNode(removeArg);
          case STEP ->
              () -> clock.step(Duration.ofMillis(STEP_MILLIS[op.variant() % STEP_MILLIS.length]));
          case CLEANUP -> () -> cache.cleanupAssumedPods(clock.now());
        };
    if (mustReject) {
      assertThatThrownBy(call::run).as(op.toString()).isInstanceOf(Cache.CacheException.class);
    } else {
      call.run();
    }
  }

  /** Everything the model knows, checked against the cache. */
  static void check(SchedulerCache cache, Model m, List<Op> history) {
    String where = history.toString();
    for (int p = 0; p < PODS; p++) {
      Model.P mp = m.pods.get(p);
      Pod probe = pod(p, 0, 0);
      assertThat(cache.isAssumedPod(probe))
          .as("p%d assumed after %s", p, where)
          .isEqualTo(mp != null && mp.state == Model.State.ASSUMED);
      if (mp == null) {
        assertThatThrownBy(() -> cache.getPod(probe)).isInstanceOf(Cache.CacheException.class);
      } else {
        assertThat(cache.getPod(probe)).as("p%d after %s", p, where).isSameAs(mp.obj);
      }
    }
    // Which NodeInfos exist: every model node, plus a ghost for each node name with pods.
    Map<String, Set<String>> podsByNode = new TreeMap<>();
    m.nodes.keySet().forEach(n -> podsByNode.put("n" + n, new TreeSet<>()));
    m.pods.forEach(
        (p, mp) -> podsByNode.computeIfAbsent("n" + mp.node, k -> new TreeSet<>()).add("uid-" + p));
    CacheDump dump = cache.dump();
    assertThat(dump.nodes().keySet()).as("NodeInfos after " + where).isEqualTo(podsByNode.keySet());
    for (Map.Entry<String, NodeInfo> e : dump.nodes().entrySet()) {
      NodeInfo ni = e.getValue();
      int n = Integer.parseInt(e.getKey().substring(1));
      assertThat(ni.node()).as(e.getKey() + " node after " + where).isSameAs(m.nodes.get(n));
      assertThat(new TreeSet<>(CacheChecks.uids(ni.pods())))
          .as(e.getKey() + " pods after " + where)
          .isEqualTo(podsByNode.get(e.getKey()));
      CacheChecks.assertAggregatesMatchPods(e.getKey() + " after " + where, ni);
    }
    assertThat(cache.nodeCount()).isEqualTo(m.nodes.size());
    assertThat(dump.assumedPods())
        .isEqualTo(
            m.pods.entrySet().stream()
                .filter(e -> e.getValue().state == Model.State.ASSUMED)
                .map(e -> "uid-" + e.getKey())
                .collect(java.util.stream.Collectors.toSet()));
    CacheChecks.assertListNewestFirst(cache);
    // Image states: for each image, the model nodes that have it.
    Map<String, Set<String>> images = new TreeMap<>();
    for (Node node : m.nodes.values()) {
      for (ContainerImage img : node.getStatus().getImages()) {
        for (String name : img.getNames()) {
          images.computeIfAbsent(name, k -> new HashSet<>()).add(node.getMetadata().getName());
        }
      }
    }
    Map<String, Set<String>> cached = new TreeMap<>();
    cache.imageStates().forEach((k, v) -> cached.put(k, v.getValue()));
    assertThat(cached).as("image states after " + where).isEqualTo(images);
  }

  @Test
  void cacheAgreesWithTheReferenceModelAfterEveryStep() {
    qt().withFixedSeed(20200101L)
        .withExamples(150)
        .forAll(lists().of(ops()).ofSizeBetween(1, 60).map(CacheModelTest::chained))
        .checkAssert(
            ops -> {
              FakeClock clock = new FakeClock();
              try (SchedulerCache cache = new SchedulerCache(clock)) {
                Model m = new Model();
                for (int i = 0; i < ops.size(); i++) {
                  run(cache, clock, m, ops.get(i));
                  check(cache, m, ops.subList(0, i + 1));
                }
              }
            });
    System.out.println("CacheModelTest coverage: " + new TreeMap<>(COVERAGE));
    for (Kind k : Kind.values()) {
      assertThat(COVERAGE).as("coverage").containsKey(k + " accepted");
    }
    for (Kind k :
        List.of(
            Kind.ASSUME,
            Kind.FORGET,
            Kind.ADD_POD,
            Kind.UPDATE_POD,
            Kind.REMOVE_POD,
            Kind.REMOVE_NODE)) {
      assertThat(COVERAGE).as("coverage").containsKey(k + " rejected");
    }
    assertThat(COVERAGE)
        .as("coverage")
        .containsKeys(
            "expiry", "expired pod added back", "assumed pod added on another node", "ghost");
  }

  @Test
  void incrementalSnapshotEqualsOneRebuiltFromScratch() {
    qt().withFixedSeed(118L)
        .withExamples(150)
        .forAll(
            lists().of(ops()).ofSizeBetween(1, 60).map(CacheModelTest::chained),
            integers().between(1, 4))
        .checkAssert(
            (ops, every) -> {
              FakeClock clock = new FakeClock();
              try (SchedulerCache cache = new SchedulerCache(clock)) {
                Model m = new Model();
                Snapshot incremental = new Snapshot();
                for (int i = 0; i < ops.size(); i++) {
                  run(cache, clock, m, ops.get(i));
                  // Snapshots are taken every few steps, so several changes pile up between them.
                  if (i % every == 0 || i == ops.size() - 1) {
                    cache.updateSnapshot(incremental);
                    CacheChecks.assertSameSnapshot(incremental, CacheChecks.fresh(cache));
                    assertThat(incremental.numNodes()).isEqualTo(m.nodes.size());
                  }
                }
              }
            });
  }
}
