package io.kubelab.scheduler.queue;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.framework.PodInfo;
import io.kubelab.scheduler.framework.plugins.PrioritySort;
import io.kubelab.scheduler.queue.PriorityQueue.SubQueue;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Random sequences of queue operations and clock steps against a small reference model of the three
 * queues, the scheduling cycles and the nominator, written from upstream's rules (v1.18) without
 * calling the queue's code. After every step the queue holds exactly the model's pods, each in the
 * model's sub-queue with the model's timestamp and attempts, so no pod is lost or duplicated and no
 * pod leaves backoff before {@code timestamp + min(1 s * 2^(attempts-1), 10 s)}. When the
 * operations stop and the clock runs on, every pending pod is popped exactly once.
 */
class QueueModelTest {

  private static final int PODS = 5;
  private static final long[] STEPS_MS = {100, 500, 1000, 3000, 10_000, 31_000};

  /** One generated operation. */
  record Op(Kind kind, int arg) {
    enum Kind {
      ADD,
      UPDATE_LABELS,
      UPDATE_STATUS,
      DELETE,
      POP,
      FAIL,
      BIND,
      MOVE_ALL,
      ASSIGNED_POD_ADDED,
      NOMINATE,
      UNNOMINATE,
      STEP
    }

    /**
     * Pops, failures and clock steps come up more often than the rest, so pods go round the backoff
     * loop several times; code 0 is the smallest clock step, so a shrunk sequence reads as little
     * more than the operations that matter.
     */
    private static final Kind[] TABLE = {
      Kind.STEP,
      Kind.STEP,
      Kind.STEP,
      Kind.STEP,
      Kind.POP,
      Kind.POP,
      Kind.POP,
      Kind.POP,
      Kind.FAIL,
      Kind.FAIL,
      Kind.FAIL,
      Kind.FAIL,
      Kind.MOVE_ALL,
      Kind.MOVE_ALL,
      Kind.ADD,
      Kind.UPDATE_LABELS,
      Kind.UPDATE_STATUS,
      Kind.DELETE,
      Kind.BIND,
      Kind.ASSIGNED_POD_ADDED,
      Kind.NOMINATE,
      Kind.UNNOMINATE
    };

    static final int CODES = TABLE.length * 60;

    static Op decode(int v) {
      return new Op(TABLE[v % TABLE.length], v / TABLE.length);
    }

    @Override
    public String toString() {
      return kind + "(" + arg + ")";
    }
  }

  // ---- the model ----

  enum Where {
    ACTIVE,
    BACKOFF,
    UNSCHEDULABLE
  }

  /** A queued pod as the model sees it. */
  static final class Entry {
    Where where;
    long timestampMs;
    int attempts;

    Entry(Where where, long timestampMs, int attempts) {
      this.where = where;
      this.timestampMs = timestampMs;
      this.attempts = attempts;
    }
  }

  /** A popped pod the scheduler is still working on. */
  record InFlight(int pod, PodInfo info, long cycle) {}

  static final class Model {
    final Map<Integer, Entry> queued = new LinkedHashMap<>();
    final Map<Integer, String> nominated = new HashMap<>();
    final List<InFlight> inFlight = new ArrayList<>();
    final int[] priority = {0, 0, 5, 5, 10};
    long nowMs;
    long schedulingCycle;
    long moveRequestCycle = -1;

    /** Upstream's formula, written out: 1 s doubled per attempt after the first, at most 10 s. */
    static long backoffMs(int attempts) {
      long ms = 1000;
      for (int i = 1; i < attempts && ms < 10_000; i++) {
        ms *= 2;
      }
      return Math.min(ms, 10_000);
    }

    boolean backingOff(Entry e) {
      return e.timestampMs + backoffMs(e.attempts) > nowMs;
    }

    void moveToActiveOrBackoff(List<Integer> pods) {
      for (int p : pods) {
        Entry e = queued.get(p);
        e.where = backingOff(e) ? Where.BACKOFF : Where.ACTIVE;
      }
      moveRequestCycle = schedulingCycle;
    }

    List<Integer> in(Where w) {
      List<Integer> out = new ArrayList<>();
      queued.forEach(
          (p, e) -> {
            if (e.where == w) {
              out.add(p);
            }
          });
      return out;
    }

    /** The timers: each whole second the backoff flush, each 30 s the leftover flush. */
    void advance(long toMs) {
      long tick = (nowMs / 1000 + 1) * 1000;
      for (; tick <= toMs; tick += 1000) {
        nowMs = tick;
        if (tick % 30_000 == 0) {
          List<Integer> leftovers = new ArrayList<>();
          for (int p : in(Where.UNSCHEDULABLE)) {
            if (nowMs - queued.get(p).timestampMs > 60_000) {
              leftovers.add(p);
            }
          }
          if (!leftovers.isEmpty()) {
            moveToActiveOrBackoff(leftovers);
          }
        }
        for (int p : in(Where.BACKOFF)) {
          Entry e = queued.get(p);
          if (e.timestampMs + backoffMs(e.attempts) <= nowMs) {
            e.where = Where.ACTIVE;
          }
        }
      }
      nowMs = toMs;
    }
  }

  // ---- the pods ----

  /** Pod i: p3 wants a db pod in its own namespace, p4 one in namespace "other". */
  static Pod basePod(int i) {
    Fixtures.PodFixture f = Fixtures.pod("p" + i).namespace("ns").uid("uid-" + i);
    f.priority(new Model().priority[i]);
    if (i == 3) {
      f.requiredPodAffinity(Fixtures.affinityTerm("zone", Fixtures.matchLabels("app", "db")));
    }
    Pod p = f.build();
    if (i == 4) {
      p =
          new PodBuilder(
                  Fixtures.pod("p4")
                      .namespace("ns")
                      .uid("uid-4")
                      .priority(10)
                      .requiredPodAffinity(
                          Fixtures.affinityTerm("zone", Fixtures.matchLabels("app", "db")))
                      .build())
              .editSpec()
              .editAffinity()
              .editPodAffinity()
              .editFirstRequiredDuringSchedulingIgnoredDuringExecution()
              .withNamespaces("other")
              .endRequiredDuringSchedulingIgnoredDuringExecution()
              .endPodAffinity()
              .endAffinity()
              .endSpec()
              .build();
    }
    return p;
  }

  private static final Pod[] BASE = new Pod[PODS];

  static {
    for (int i = 0; i < PODS; i++) {
      BASE[i] = basePod(i);
    }
  }

  static final String[][] ASSIGNED = {{"ns", "db"}, {"other", "db"}, {"ns", "web"}};

  static final String[] NODES = {"", "n1", "n2"};

  @Test
  void queueAgreesWithTheModelAfterEveryOperation() {
    Gen<List<Op>> ops =
        lists().of(integers().between(0, Op.CODES - 1).map(Op::decode)).ofSizeBetween(1, 120);
    qt().withFixedSeed(0x5c4ed17eL).withExamples(200).forAll(ops).checkAssert(this::run);
  }

  private void run(List<Op> ops) {
    FakeClock clock = new FakeClock();
    Instant t0 = clock.now();
    PriorityQueue q = new PriorityQueue(new PrioritySort()::less, clock);
    q.run();
    clock.step(Duration.ZERO); // the flushes' first runs, on an empty queue
    Model m = new Model();
    Pod[] current = new Pod[PODS];
    int[] version = new int[PODS];
    for (int i = 0; i < PODS; i++) {
      current[i] = BASE[i];
    }
    try {
      for (int i = 0; i < PODS; i++) {
        q.add(current[i]);
        m.queued.put(i, new Entry(Where.ACTIVE, 0, 0));
      }
      for (int n = 0; n < ops.size(); n++) {
        Op op = ops.get(n);
        String at = "after " + ops.subList(0, n + 1);
        int i = op.arg() % PODS;
        switch (op.kind()) {
          case ADD -> {
            q.add(current[i]);
            m.queued.put(i, new Entry(Where.ACTIVE, m.nowMs, 0));
            m.nominated.remove(i); // added with "": the status names no node
            nominateFromStatus(m, i, current[i]);
          }
          case UPDATE_LABELS, UPDATE_STATUS -> {
            Pod old = current[i];
            boolean labels = op.kind() == Op.Kind.UPDATE_LABELS;
            String node = NODES[(op.arg() / PODS) % NODES.length];
            version[i]++;
            PodBuilder b = new PodBuilder(old);
            if (labels) {
              b.editMetadata().addToLabels("v", Integer.toString(version[i])).endMetadata();
            } else {
              b.editMetadata().withResourceVersion(Integer.toString(version[i])).endMetadata();
            }
            b.editStatus().withNominatedNodeName(node.isEmpty() ? null : node).endStatus();
            Pod updated = b.build();
            current[i] = updated;
            q.update(old, updated);
            Entry e = m.queued.get(i);
            String oldNode = statusNode(old);
            String keep =
                oldNode.isEmpty() && node.isEmpty() && m.nominated.containsKey(i)
                    ? m.nominated.get(i)
                    : "";
            if (e == null) {
              m.queued.put(i, new Entry(Where.ACTIVE, m.nowMs, 0));
              m.nominated.remove(i);
              nominateFromStatus(m, i, updated);
            } else {
              if (e.where == Where.BACKOFF || (e.where == Where.UNSCHEDULABLE && labels)) {
                e.where = Where.ACTIVE;
              }
              m.nominated.remove(i);
              if (!keep.isEmpty()) {
                m.nominated.put(i, keep);
              } else {
                nominateFromStatus(m, i, updated);
              }
            }
          }
          case DELETE -> {
            q.delete(current[i]);
            m.queued.remove(i);
            m.nominated.remove(i);
          }
          case POP -> {
            PodInfo got = q.pop(Duration.ZERO);
            List<Integer> active = m.in(Where.ACTIVE);
            if (active.isEmpty()) {
              assertThat(got).as(at).isNull();
              break;
            }
            assertThat(got).as(at).isNotNull();
            int p = index(got.pod());
            assertThat(headsOf(m, active)).as("%s: pod popped ahead of its turn", at).contains(p);
            Entry e = m.queued.remove(p);
            m.schedulingCycle++;
            assertThat(got.attempts()).as(at).isEqualTo(e.attempts + 1);
            m.inFlight.add(new InFlight(p, got, m.schedulingCycle));
          }
          case FAIL -> {
            if (m.inFlight.isEmpty()) {
              break;
            }
            InFlight f = m.inFlight.remove(op.arg() % m.inFlight.size());
            if (m.queued.containsKey(f.pod())) {
              assertThatThrownBy(() -> q.addUnschedulableIfNotPresent(f.info(), f.cycle()))
                  .as(at)
                  .isInstanceOf(IllegalStateException.class)
                  .hasMessageContaining("is already present in");
              break;
            }
            q.addUnschedulableIfNotPresent(f.info(), f.cycle());
            Where w = m.moveRequestCycle >= f.cycle() ? Where.BACKOFF : Where.UNSCHEDULABLE;
            m.queued.put(f.pod(), new Entry(w, m.nowMs, f.info().attempts()));
            m.nominated.remove(f.pod());
            nominateFromStatus(m, f.pod(), f.info().pod());
          }
          case BIND -> {
            if (!m.inFlight.isEmpty()) {
              m.inFlight.remove(op.arg() % m.inFlight.size());
            }
          }
          case MOVE_ALL -> {
            q.moveAllToActiveOrBackoffQueue(QueueEvents.NODE_ADD);
            m.moveToActiveOrBackoff(m.in(Where.UNSCHEDULABLE));
          }
          case ASSIGNED_POD_ADDED -> {
            String[] a = ASSIGNED[op.arg() % ASSIGNED.length];
            q.assignedPodAdded(
                Fixtures.pod("bound").namespace(a[0]).label("app", a[1]).nodeName("n1").build());
            List<Integer> match = new ArrayList<>();
            for (int p : m.in(Where.UNSCHEDULABLE)) {
              boolean db = a[1].equals("db");
              if ((p == 3 && db && a[0].equals("ns")) || (p == 4 && db && a[0].equals("other"))) {
                match.add(p);
              }
            }
            m.moveToActiveOrBackoff(match);
          }
          case NOMINATE -> {
            String node = NODES[1 + (op.arg() / PODS) % 2];
            q.updateNominatedPodForNode(current[i], node);
            m.nominated.put(i, node);
          }
          case UNNOMINATE -> {
            q.deleteNominatedPodIfExists(current[i]);
            m.nominated.remove(i);
          }
          case STEP -> {
            long ms = STEPS_MS[op.arg() % STEPS_MS.length];
            clock.step(Duration.ofMillis(ms));
            m.advance(m.nowMs + ms);
          }
        }
        check(q, m, t0, at);
      }

      // Events stop; what the scheduler still holds is bound. Within 61 s plus one 30 s period
      // every pod is back in activeQ, and each is popped exactly once.
      clock.step(Duration.ofSeconds(100));
      m.advance(m.nowMs + 100_000);
      check(q, m, t0, "after the clock ran on, " + ops);
      assertThat(m.in(Where.ACTIVE)).as("model: all active").hasSize(m.queued.size());
      List<Integer> popped = new ArrayList<>();
      PodInfo p;
      while ((p = q.pop(Duration.ZERO)) != null) {
        popped.add(index(p.pod()));
      }
      assertThat(popped)
          .as("drained after %s", ops)
          .containsExactlyInAnyOrderElementsOf(m.queued.keySet());
      assertThat(q.pendingPods()).isEmpty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new AssertionError(e);
    } finally {
      q.close();
    }
  }

  /** The pods PrioritySort allows at the head: highest priority, then earliest timestamp. */
  private static List<Integer> headsOf(Model m, List<Integer> active) {
    int best = Integer.MIN_VALUE;
    long earliest = Long.MAX_VALUE;
    for (int p : active) {
      int pr = m.priority[p];
      long ts = m.queued.get(p).timestampMs;
      if (pr > best || (pr == best && ts < earliest)) {
        best = pr;
        earliest = ts;
      }
    }
    List<Integer> heads = new ArrayList<>();
    for (int p : active) {
      if (m.priority[p] == best && m.queued.get(p).timestampMs == earliest) {
        heads.add(p);
      }
    }
    return heads;
  }

  private static void nominateFromStatus(Model m, int i, Pod pod) {
    String node = statusNode(pod);
    if (!node.isEmpty()) {
      m.nominated.put(i, node);
    }
  }

  private static String statusNode(Pod pod) {
    String n = pod.getStatus() == null ? null : pod.getStatus().getNominatedNodeName();
    return n == null ? "" : n;
  }

  private static int index(Pod pod) {
    return Integer.parseInt(pod.getMetadata().getName().substring(1));
  }

  private static void check(PriorityQueue q, Model m, Instant t0, String at) {
    List<Integer> pending = new ArrayList<>();
    for (Pod p : q.pendingPods()) {
      pending.add(index(p));
    }
    assertThat(pending)
        .as("%s: pending pods, each once", at)
        .containsExactlyInAnyOrderElementsOf(m.queued.keySet());
    for (int i = 0; i < PODS; i++) {
      Entry e = m.queued.get(i);
      Pod key = BASE[i];
      Optional<SubQueue> where = q.queueOf(key);
      if (e == null) {
        assertThat(where).as("%s: p%d queued nowhere", at, i).isEmpty();
        continue;
      }
      assertThat(where.map(Enum::name)).as("%s: where p%d is", at, i).contains(e.where.name());
      PodInfo info = q.podInfoOf(key).orElseThrow();
      assertThat(info.timestamp())
          .as("%s: p%d timestamp", at, i)
          .isEqualTo(t0.plusMillis(e.timestampMs));
      assertThat(info.attempts()).as("%s: p%d attempts", at, i).isEqualTo(e.attempts);
    }
    assertThat(q.numUnschedulablePods()).as(at).isEqualTo(m.in(Where.UNSCHEDULABLE).size());
    assertThat(q.schedulingCycle()).as(at).isEqualTo(m.schedulingCycle);
    for (String node : List.of("n1", "n2")) {
      List<Integer> want = new ArrayList<>();
      m.nominated.forEach(
          (p, n) -> {
            if (n.equals(node)) {
              want.add(p);
            }
          });
      List<Integer> got = new ArrayList<>();
      for (Pod p : q.nominatedPodsForNode(node)) {
        got.add(index(p));
      }
      assertThat(got).as("%s: nominated to %s", at, node).containsExactlyInAnyOrderElementsOf(want);
    }
  }
}
