package io.kubelab.kubelet.cm.devicemanager;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;

/** Fixtures for the device manager's tests: pods asking for devices, bounded waits. */
final class Devices {

  private Devices() {}

  static Container container(String name, int gpus) {
    ContainerBuilder b = new ContainerBuilder().withName(name).withImage("busybox");
    if (gpus > 0) {
      b.withNewResources()
          .withLimits(Map.of(FakeGpuPlugin.RESOURCE, new Quantity(Integer.toString(gpus))))
          .withRequests(Map.of(FakeGpuPlugin.RESOURCE, new Quantity(Integer.toString(gpus))))
          .endResources();
    }
    return b.build();
  }

  /** A pod with init containers {@code init-i} and app containers {@code app-i}. */
  static Pod pod(String uid, List<Integer> initGpus, List<Integer> appGpus) {
    List<Container> init = new ArrayList<>();
    for (int i = 0; i < initGpus.size(); i++) {
      init.add(container("init-" + i, initGpus.get(i)));
    }
    List<Container> app = new ArrayList<>();
    for (int i = 0; i < appGpus.size(); i++) {
      app.add(container("app-" + i, appGpus.get(i)));
    }
    return new PodBuilder()
        .withNewMetadata()
        .withName("pod-" + uid)
        .withNamespace("default")
        .withUid(uid)
        .endMetadata()
        .withNewSpec()
        .withInitContainers(init)
        .withContainers(app)
        .endSpec()
        .build();
  }

  /** Wakes a waiter on every device manager update; waits are bounded. */
  static final class Updates implements Runnable {
    private final Semaphore signal = new Semaphore(0);

    @Override
    public void run() {
      signal.release();
    }

    /** Waits until {@code cond} holds, re-checking after each update; fails after 10 s. */
    void await(String what, BooleanSupplier cond) throws InterruptedException {
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (!cond.getAsBoolean()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          throw new AssertionError("timed out waiting for " + what);
        }
        signal.tryAcquire(left, TimeUnit.NANOSECONDS);
      }
    }
  }

  /** Threads whose names start with any of the prefixes, after waiting (bounded) for them. */
  static List<String> liveThreads(String... prefixes) throws InterruptedException {
    List<String> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      for (String p : prefixes) {
        if (t.getName().startsWith(p)) {
          t.join(10_000);
          if (t.isAlive()) {
            alive.add(t.getName());
          }
        }
      }
    }
    return alive;
  }
}
