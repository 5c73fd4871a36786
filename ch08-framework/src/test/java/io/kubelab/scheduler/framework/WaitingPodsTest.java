package io.kubelab.scheduler.framework;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * One waiting pod of {@code waiting_pods_map.go} (v1.18): its timers, and its lock, which other
 * threads (a plugin reacting to another pod, an event handler) must be able to take after the
 * scheduling thread made the pod wait or allowed it.
 */
class WaitingPodsTest {

  private final FakeClock clock = new FakeClock();
  private final Pod pod = Fixtures.pod("web").uid("uid-web").build();
  private final ExecutorService other = Executors.newSingleThreadExecutor();

  @AfterEach
  void close() {
    other.shutdownNow();
  }

  private WaitingPods.Entry waiting(String... plugins) {
    Map<String, Duration> waits = new LinkedHashMap<>();
    for (String p : plugins) {
      waits.put(p, Duration.ofSeconds(10));
    }
    return new WaitingPods.Entry(pod, waits, clock);
  }

  private List<String> pendingSeenFromAnotherThread(WaitingPod wp) throws Exception {
    return other.submit(wp::pendingPlugins).get(10, TimeUnit.SECONDS);
  }

  @Test
  void anotherThreadSeesThePendingPluginsOnceThePodWaits() throws Exception {
    WaitingPods.Entry wp = waiting("p1", "p2");

    assertThat(wp.pod()).isSameAs(pod);
    assertThat(pendingSeenFromAnotherThread(wp)).containsExactlyInAnyOrder("p1", "p2");

    wp.allow("p1");
    assertThat(pendingSeenFromAnotherThread(wp)).containsExactly("p2");
    assertThat(wp.verdictNow()).isNull();
  }

  @Test
  void rejectingStopsEveryTimer() {
    WaitingPods.Entry wp = waiting("p1", "p2");
    assertThat(clock.pendingTimers()).isEqualTo(2);

    wp.reject("removed");

    assertThat(clock.pendingTimers()).isZero();
    assertThat(wp.verdictNow()).isEqualTo(Status.unschedulable("removed"));
  }

  @Test
  void theFirstVerdictWins() {
    WaitingPods.Entry wp = waiting("p1");
    wp.reject("first");
    wp.allow("p1");
    clock.step(Duration.ofSeconds(10));

    assertThat(wp.verdictNow()).isEqualTo(Status.unschedulable("first"));
  }

  @Test
  void aWaitingPodPrintsItsPodAndPendingPlugins() {
    assertThat(waiting("p1")).hasToString("WaitingPod{default/web, pending=[p1]}");
  }

  @Test
  void theMapFindsPodsByUid() {
    WaitingPods pods = new WaitingPods();
    WaitingPods.Entry wp = waiting("p1");
    pods.add(wp);

    assertThat(pods.get("uid-web")).isSameAs(wp);
    assertThat(pods.get("other")).isNull();
    assertThat(pods.get(null)).isNull();
    assertThat(pods.size()).isEqualTo(1);
    pods.remove("uid-web");
    assertThat(pods.size()).isZero();
  }
}
