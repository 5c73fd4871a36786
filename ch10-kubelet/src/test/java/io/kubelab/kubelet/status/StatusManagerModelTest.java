package io.kubelab.kubelet.status;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.ContainerStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.util.ManualExecutor;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The status manager against a small reference of versions and writes: random sequences of new
 * statuses, readiness flips, goroutine runs, batch ticks, API outages and statuses changed by
 * someone else, over two pods. After every step the cached version, the pending requests and what
 * the API holds must match the reference.
 */
class StatusManagerModelTest {

  /**
   * kind: 0 new status (message m) for pod p, 1 flip app readiness of p, 2 the sync goroutine runs,
   * 3 the 10 s tick, 4 the API goes down, 5 the API comes back, 6 someone else rewrites p's message
   * in the API.
   */
  record Op(int kind, int pod, int message) {
    @Override
    public String toString() {
      return switch (kind) {
        case 0 -> "status(p" + pod + ", m" + message + ")";
        case 1 -> "flip(p" + pod + ")";
        case 2 -> "goroutine";
        case 3 -> "tick";
        case 4 -> "apiDown";
        case 5 -> "apiUp";
        default -> "drift(p" + pod + ")";
      };
    }
  }

  /** What the kubelet means a pod's status to be: its message and the app's readiness. */
  record Snapshot(String message, boolean appReady) {}

  /** The reference: versions per pod, a FIFO of requests, the API's content. */
  static final class Model {
    final Map<Integer, Snapshot> cached = new HashMap<>();
    final Map<Integer, Long> version = new HashMap<>();
    final Map<Integer, Long> written = new HashMap<>();
    final ArrayDeque<Object[]> channel = new ArrayDeque<>(); // {pod, version, snapshot}
    final Map<Integer, Snapshot> api = new HashMap<>();
    boolean apiDown;

    void accept(int pod, Snapshot s) {
      if (s.equals(cached.get(pod))) {
        return; // equal by the kubelet's rules: no new version
      }
      cached.put(pod, s);
      long v = version.merge(pod, 1L, Long::sum);
      channel.add(new Object[] {pod, v, s});
    }

    void sync(int pod, long v, Snapshot s) {
      if (written.getOrDefault(pod, 0L) >= v || apiDown) {
        return; // up to date, or the GET fails and nothing is recorded
      }
      api.put(pod, s);
      written.put(pod, v);
    }

    void goroutine() {
      while (!channel.isEmpty()) {
        Object[] r = channel.poll();
        sync((Integer) r[0], (Long) r[1], (Snapshot) r[2]);
      }
    }

    void tick() {
      channel.clear();
      for (int pod : new ArrayList<>(cached.keySet())) {
        long v = version.get(pod);
        if (written.getOrDefault(pod, 0L) < v) {
          sync(pod, v, cached.get(pod));
        } else if (!cached.get(pod).equals(api.get(pod))) {
          written.remove(pod); // reconcile: forget the written version and write again
          sync(pod, v, cached.get(pod));
        }
      }
    }
  }

  private static Pod pod(int i) {
    return new PodBuilder(StatusManagerTest.pod("Always"))
        .editMetadata()
        .withName("web-" + i)
        .withUid("u" + i)
        .endMetadata()
        .build();
  }

  /** A status as the kubelet generates it: conditions consistent with the container statuses. */
  private static PodStatus generated(int pod, String message, boolean appReady) {
    PodStatus s = StatusManagerTest.generated(message, appReady, false);
    var spec = pod(pod).getSpec();
    s.setConditions(
        new ArrayList<>(
            List.of(
                PodConditions.podReady(spec, List.of(), s.getContainerStatuses(), "Running"),
                PodConditions.containersReady(spec, s.getContainerStatuses(), "Running"))));
    return s;
  }

  private static Snapshot inApi(FakeApi api, int i) {
    PodStatus s = api.pods.get("web-" + i).getStatus();
    if (s == null || s.getMessage() == null) {
      return null;
    }
    boolean ready = false;
    for (ContainerStatus c : s.getContainerStatuses()) {
      if (c.getName().equals("app")) {
        ready = Boolean.TRUE.equals(c.getReady());
      }
    }
    return new Snapshot(s.getMessage(), ready);
  }

  @Test
  void versionsRequestsAndTheApiMatchTheReference() {
    qt().withFixedSeed(1010L)
        .withExamples(150)
        .forAll(
            lists()
                .of(
                    integers()
                        .between(0, 6)
                        .zip(integers().between(1, 2), integers().between(1, 3), Op::new))
                .ofSizeBetween(1, 50))
        .checkAssert(StatusManagerModelTest::check);
  }

  static void check(List<Op> ops) {
    FakeClock clock = new FakeClock();
    FakeApi api = new FakeApi();
    ManualExecutor goroutine = new ManualExecutor();
    StatusManager m = new StatusManager(api, api, (p, s) -> false, clock, goroutine);
    m.start();
    Model model = new Model();
    for (int i = 1; i <= 2; i++) {
      api.create(pod(i));
    }
    for (Op op : ops) {
      int p = op.pod();
      switch (op.kind()) {
        case 0 -> {
          boolean ready = model.cached.containsKey(p) && model.cached.get(p).appReady();
          m.setPodStatus(pod(p), generated(p, "m" + op.message(), ready));
          model.accept(p, new Snapshot("m" + op.message(), ready));
        }
        case 1 -> {
          Snapshot old = model.cached.get(p);
          boolean ready = old == null || !old.appReady();
          m.setContainerReadiness("u" + p, StatusManagerTest.APP, ready);
          if (old != null) { // before the first status: ignored
            model.accept(p, new Snapshot(old.message(), ready));
          }
        }
        case 2 -> {
          goroutine.runAll();
          model.goroutine();
        }
        case 3 -> {
          clock.step(Duration.ofSeconds(StatusManager.SYNC_PERIOD_SECONDS));
          goroutine.runAll();
          model.goroutine(); // requests queued before the tick run first
          model.tick();
        }
        case 4 -> {
          api.failureRate = 1.0;
          model.apiDown = true;
        }
        case 5 -> {
          api.failureRate = 0;
          model.apiDown = false;
        }
        default -> {
          PodStatus s = api.pods.get("web-" + p).getStatus();
          if (s != null && s.getMessage() != null) {
            s.setMessage("drift");
            model.api.put(p, new Snapshot("drift", model.api.get(p).appReady()));
          }
        }
      }
      for (int i = 1; i <= 2; i++) {
        long v = m.getVersioned("u" + i).map(VersionedPodStatus::version).orElse(0L);
        assertThat(v)
            .as("version of u%d after %s", i, ops)
            .isEqualTo(model.version.getOrDefault(i, 0L));
        assertThat(inApi(api, i)).as("API of web-%d after %s", i, ops).isEqualTo(model.api.get(i));
      }
      assertThat(m.queuedRequests()).as("queued after %s", ops).isEqualTo(model.channel.size());
    }
    m.close();
  }
}
