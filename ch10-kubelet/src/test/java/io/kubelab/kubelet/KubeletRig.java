package io.kubelab.kubelet;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.container.FakeRuntime;
import io.kubelab.kubelet.pleg.PodLifecycleEvent;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.function.Consumer;

/**
 * A kubelet over a {@link FakeRuntime} and a {@link FakeCluster} on a {@link FakeClock}, with
 * everything inline: each clock step runs the kubelet to quiescence on the test's thread.
 */
final class KubeletRig implements AutoCloseable {

  static Node node() {
    return Fixtures.node("node-1").allocatable("4", "8Gi").build();
  }

  final FakeClock clock = new FakeClock();
  final FakeRuntime runtime = new FakeRuntime(clock);
  final FakeCluster api = new FakeCluster(clock);
  final List<PodLifecycleEvent> plegEvents = new ArrayList<>();
  final Kubelet kubelet;

  KubeletRig() {
    this(node(), b -> {});
  }

  KubeletRig(Node node, Consumer<Kubelet.Builder> customise) {
    Kubelet.Builder b =
        Kubelet.builder(node, runtime, clock)
            .podSource(api)
            .statusClient(api)
            .events(api)
            .random(new Random(1))
            .plegObserver(plegEvents::add);
    customise.accept(b);
    kubelet = b.build();
    kubelet.start();
  }

  /** Advances the clock by {@code d} in steps of 100 ms. */
  void run(Duration d) {
    long steps = d.toMillis() / 100;
    for (long i = 0; i < steps; i++) {
      clock.step(Duration.ofMillis(100));
    }
  }

  void runSeconds(long s) {
    run(Duration.ofSeconds(s));
  }

  Pod pod(String name) {
    return api.pod(name);
  }

  String phase(String name) {
    return api.phase(name);
  }

  @Override
  public void close() {
    kubelet.close();
  }
}
