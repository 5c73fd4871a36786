package io.kubelab.scheduler.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginSet;
import io.kubelab.scheduler.framework.config.Plugins;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * Waiting pods against a small reference model: random sequences of Permit (some plugins ask to
 * wait, each with its own timeout), Allow by one plugin, Reject from outside, clock steps and
 * WaitOnPermit, on a {@link FakeClock}. After every step the framework's waiting pods, their
 * pending plugins and their verdicts must equal the model's.
 *
 * <p>The model follows {@code waiting_pods_map.go} (v1.18) in plain terms: a waiting pod has a
 * deadline per pending plugin; Allow removes the plugin and, when none is left, allows; a deadline
 * reached rejects with "rejected due to timeout after waiting D at plugin P"; the first verdict
 * wins; WaitOnPermit takes the pod out of the map. Plugin k's timeouts lie in [k s, k+1 s), so two
 * plugins of one pod never time out at the same instant.
 */
class WaitingPodsModelTest {

  static final int PODS = 3;
  static final int PLUGINS = 3;

  /** One operation: kind, pod, plugin or plugin mask, amount. */
  record Op(int kind, int pod, int plugin, int amount) {
    @Override
    public String toString() {
      return switch (kind) {
        case 0 -> "permit(pod" + pod + ", wait mask " + plugin + ", ms " + amount + ")";
        case 1 -> "allow(pod" + pod + ", p" + plugin + ")";
        case 2 -> "reject(pod" + pod + ")";
        case 3 -> "step(" + amount * 7 + "ms)";
        default -> "waitOnPermit(pod" + pod + ")";
      };
    }
  }

  static Gen<Op> ops() {
    return integers()
        .between(0, 4)
        .zip(
            integers().between(0, PODS - 1),
            integers().between(0, 7),
            integers().between(0, 999),
            Op::new)
        .map(
            o ->
                new Op(
                    o.kind(),
                    o.pod(),
                    o.kind() == 1 ? o.plugin() % PLUGINS : o.plugin(),
                    o.amount()));
  }

  /** The model of one waiting pod. */
  static final class ModelPod {
    final Map<String, Instant> deadlines = new TreeMap<>();
    final Map<String, Duration> waits = new HashMap<>();
    String verdict; // null while waiting; "allowed"; or the rejection message
  }

  @Test
  void waitingPodsAgreeWithTheModelAfterEveryStep() {
    Map<String, Integer> coverage = new TreeMap<>();
    qt().withFixedSeed(0x9e2a17L)
        .withExamples(300)
        .forAll(lists().of(ops()).ofSizeBetween(1, 40))
        .checkAssert(ops -> run(ops, coverage));
    System.out.println("WaitingPodsModelTest coverage: " + coverage);
    assertThat(coverage)
        .containsKeys("allowed", "timed out", "rejected", "allow after verdict", "waited");
  }

  private static void run(List<Op> ops, Map<String, Integer> coverage) {
    FakeClock clock = new FakeClock();
    Registry r = new Registry();
    FakePlugin[] plugins = new FakePlugin[PLUGINS];
    r.register("qs", (a, h) -> new FakePlugin("qs"));
    r.register("b", (a, h) -> new FakePlugin("b"));
    Plugin[] permit = new Plugin[PLUGINS];
    for (int k = 0; k < PLUGINS; k++) {
      FakePlugin p = new FakePlugin("p" + (k + 1));
      plugins[k] = p;
      r.register(p.name, (a, h) -> p);
      permit[k] = Plugin.of(p.name);
    }
    Pod[] pods = new Pod[PODS];
    for (int i = 0; i < PODS; i++) {
      pods[i] = Fixtures.pod("pod" + i).uid("uid-" + i).build();
    }
    Map<Integer, ModelPod> model = new HashMap<>();
    try (Parallelizer par = new Parallelizer("waiting-pods-model", 1)) {
      FrameworkImpl f =
          FrameworkImpl.builder(r)
              .plugins(
                  Plugins.empty()
                      .with(ExtensionPoint.QUEUE_SORT, PluginSet.enabled(Plugin.of("qs")))
                      .with(ExtensionPoint.BIND, PluginSet.enabled(Plugin.of("b")))
                      .with(ExtensionPoint.PERMIT, PluginSet.enabled(permit)))
              .clock(clock)
              .parallelizer(par)
              .build();
      for (int step = 0; step < ops.size(); step++) {
        Op op = ops.get(step);
        String where = "after " + ops.subList(0, step + 1);
        Pod pod = pods[op.pod()];
        ModelPod m = model.get(op.pod());
        switch (op.kind()) {
          case 0 -> {
            if (m != null) {
              continue; // a pod is permitted once per cycle; it is still in the map
            }
            ModelPod fresh = new ModelPod();
            for (int k = 0; k < PLUGINS; k++) {
              if ((op.plugin() & (1 << k)) != 0) {
                Duration d = Duration.ofMillis((k + 1) * 1000L + (op.amount() * (k + 3)) % 1000);
                plugins[k].permit = PermitPlugin.Result.waitFor(d);
                fresh.waits.put(plugins[k].name, d);
                fresh.deadlines.put(plugins[k].name, clock.now().plus(d));
              } else {
                plugins[k].permit = PermitPlugin.Result.ALLOW;
              }
            }
            Status s = f.runPermitPlugins(new CycleState(), pod, "n1");
            if (fresh.deadlines.isEmpty()) {
              assertThat(s).as(where).isEqualTo(Status.SUCCESS);
            } else {
              assertThat(s.code()).as(where).isEqualTo(Code.WAIT);
              model.put(op.pod(), fresh);
            }
          }
          case 1 -> {
            WaitingPod wp = f.getWaitingPod(pod.getMetadata().getUid());
            if (m == null) {
              assertThat(wp).as(where).isNull();
              continue;
            }
            String plugin = plugins[op.plugin()].name;
            wp.allow(plugin);
            if (m.verdict != null) {
              coverage.merge("allow after verdict", 1, Integer::sum);
            }
            m.deadlines.remove(plugin);
            if (m.deadlines.isEmpty() && m.verdict == null) {
              m.verdict = "allowed";
              coverage.merge("allowed", 1, Integer::sum);
            }
          }
          case 2 -> {
            f.rejectWaitingPod(pod.getMetadata().getUid());
            if (m != null && m.verdict == null) {
              m.verdict = "removed";
              coverage.merge("rejected", 1, Integer::sum);
            }
          }
          case 3 -> {
            Instant end = clock.now().plusMillis(op.amount() * 7L);
            clock.step(Duration.ofMillis(op.amount() * 7L));
            for (ModelPod mp : model.values()) {
              if (mp.verdict != null) {
                continue;
              }
              String first = null;
              for (Map.Entry<String, Instant> e : mp.deadlines.entrySet()) {
                if (!e.getValue().isAfter(end)
                    && (first == null || e.getValue().isBefore(mp.deadlines.get(first)))) {
                  first = e.getKey();
                }
              }
              if (first != null) {
                mp.verdict =
                    "rejected due to timeout after waiting "
                        + GoDurations.format(mp.waits.get(first))
                        + " at plugin "
                        + first;
                coverage.merge("timed out", 1, Integer::sum);
              }
            }
          }
          default -> {
            if (m == null) {
              assertThat(f.waitOnPermit(pod)).as(where).isEqualTo(Status.SUCCESS);
              continue;
            }
            if (m.verdict == null) {
              continue; // it would block
            }
            Status s = f.waitOnPermit(pod);
            assertThat(s).as(where).isEqualTo(expected(pod, m.verdict));
            model.remove(op.pod());
            coverage.merge("waited", 1, Integer::sum);
          }
        }
        check(f, pods, model, where);
      }
    }
  }

  private static Status expected(Pod pod, String verdict) {
    return verdict.equals("allowed")
        ? Status.SUCCESS
        : Status.unschedulable(
            "pod \""
                + pod.getMetadata().getName()
                + "\" rejected while waiting on permit: "
                + verdict);
  }

  private static void check(
      FrameworkImpl f, Pod[] pods, Map<Integer, ModelPod> model, String where) {
    assertThat(f.waitingPodCount()).as(where).isEqualTo(model.size());
    for (int i = 0; i < pods.length; i++) {
      ModelPod m = model.get(i);
      WaitingPod wp = f.getWaitingPod(pods[i].getMetadata().getUid());
      if (m == null) {
        assertThat(wp).as(where).isNull();
        continue;
      }
      assertThat(wp).as(where).isNotNull();
      assertThat(new TreeSet<>(wp.pendingPlugins()))
          .as("pending of pod%d %s", i, where)
          .isEqualTo(m.deadlines.keySet());
      Status now = f.permitVerdictNow(pods[i]);
      if (m.verdict == null) {
        assertThat(now).as("verdict of pod%d %s", i, where).isNull();
      } else {
        assertThat(now).as("verdict of pod%d %s", i, where).isEqualTo(expected(pods[i], m.verdict));
      }
    }
  }
}
