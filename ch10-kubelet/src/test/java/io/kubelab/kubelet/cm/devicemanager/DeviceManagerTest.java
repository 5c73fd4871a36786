package io.kubelab.kubelet.cm.devicemanager;

import static io.kubelab.kubelet.cm.devicemanager.Devices.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Pod;
import io.grpc.StatusRuntimeException;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.lifecycle.PodAdmitHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The device manager against the sample plugin, over real gRPC on real Unix sockets in a temporary
 * directory. Mirrors upstream's {@code manager_test.go} and {@code endpoint_test.go} cases.
 */
@Timeout(60)
class DeviceManagerTest {

  private static final String GPU = FakeGpuPlugin.RESOURCE;

  @TempDir Path dir;
  private final FakeClock clock = new FakeClock();
  private final Devices.Updates updates = new Devices.Updates();
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private final List<Pod> active = new ArrayList<>();

  private DeviceManager manager(DeviceManager.Config config) throws Exception {
    DeviceManager m = new DeviceManager(config, clock);
    m.addUpdateListener(updates);
    m.start(() -> List.copyOf(active), () -> true);
    toClose.add(m);
    return m;
  }

  private DeviceManager manager() throws Exception {
    return manager(DeviceManager.Config.of(dir));
  }

  private FakeGpuPlugin plugin(int devices, boolean preStart) throws Exception {
    FakeGpuPlugin p = new FakeGpuPlugin(dir, "fake-gpu.sock", GPU, devices, preStart);
    toClose.add(p);
    p.start();
    return p;
  }

  private void awaitCapacity(DeviceManager m, long capacity, long allocatable) throws Exception {
    updates.await(
        "capacity " + capacity + "/" + allocatable,
        () -> {
          DeviceManager.Capacity c = m.getCapacity();
          return Long.valueOf(capacity).equals(c.capacity().get(GPU))
              && Long.valueOf(allocatable).equals(c.allocatable().get(GPU));
        });
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    assertThat(Devices.liveThreads("device-manager", "fake-gpu")).isEmpty();
  }

  @Test
  void registrationOpensListAndWatchAndTheDevicesBecomeCapacity() throws Exception {
    DeviceManager m = manager();
    assertThat(Files.exists(m.kubeletSocket())).isTrue();
    plugin(4, false).register();
    awaitCapacity(m, 4, 4);
    assertThat(m.getCapacity().deleted()).isEmpty();
  }

  @Test
  void anUnsupportedVersionIsRefusedWithUpstreamsMessage() throws Exception {
    manager();
    FakeGpuPlugin p = plugin(1, false);
    assertThatThrownBy(() -> p.register("v1alpha1", GPU))
        .isInstanceOf(StatusRuntimeException.class)
        .hasMessage(
            "UNKNOWN: requested API version \"v1alpha1\" is not supported by kubelet."
                + " Supported version is [\"v1beta1\"]");
  }

  @Test
  void aResourceNameThatIsNotAnExtendedResourceIsRefused() throws Exception {
    manager();
    FakeGpuPlugin p = plugin(1, false);
    assertThatThrownBy(() -> p.register(DevicePlugins.VERSION, "fake-gpu"))
        .hasMessage("UNKNOWN: the ResourceName \"fake-gpu\" is invalid");
    assertThatThrownBy(() -> p.register(DevicePlugins.VERSION, "kubernetes.io/gpu"))
        .hasMessage("UNKNOWN: the ResourceName \"kubernetes.io/gpu\" is invalid");
  }

  @Test
  void startRemovesStaleSocketsButKeepsTheCheckpointAndDirectories() throws Exception {
    Files.createDirectories(dir.resolve("sub"));
    Files.writeString(dir.resolve("stale.sock"), "x");
    Files.writeString(dir.resolve(DevicePlugins.CHECKPOINT), "not json");
    manager();
    assertThat(Files.exists(dir.resolve("stale.sock"))).isFalse();
    assertThat(Files.isDirectory(dir.resolve("sub"))).isTrue();
    assertThat(Files.exists(dir.resolve(DevicePlugins.CHECKPOINT))).isTrue();
  }

  @Test
  void everyListAndWatchResponseReplacesTheDeviceSetAndUnhealthyDevicesLeaveAllocatable()
      throws Exception {
    DeviceManager m = manager();
    FakeGpuPlugin p = plugin(4, false);
    p.register();
    awaitCapacity(m, 4, 4);
    p.setHealth("gpu-1", DevicePlugins.UNHEALTHY);
    awaitCapacity(m, 4, 3);
    p.setHealth("gpu-2", "healthy"); // only "Healthy" exactly is healthy
    awaitCapacity(m, 4, 2);
    p.setDevices(Map.of("gpu-9", DevicePlugins.HEALTHY));
    awaitCapacity(m, 1, 1);
  }

  @Test
  void allocateSendsTheChosenDevicesAndTheResponseBecomesRunOptions() throws Exception {
    DeviceManager m = manager();
    FakeGpuPlugin p = plugin(4, true);
    p.register();
    awaitCapacity(m, 4, 4);
    Pod pod = pod("u1", List.of(), List.of(2));
    active.add(pod);
    assertThat(m.admitHandler().admit(new PodAdmitHandler.Attributes(pod, List.of())))
        .isEqualTo(PodAdmitHandler.Result.ADMIT);
    Set<String> held = m.containerDevices("u1", "app-0", GPU);
    assertThat(held).hasSize(2);
    assertThat(p.allocateCalls()).hasSize(1);
    assertThat(new HashSet<>(p.allocateCalls().get(0))).isEqualTo(held);

    DeviceRunContainerOptions opts =
        m.getDeviceRunContainerOptions(pod, pod.getSpec().getContainers().get(0));
    assertThat(p.preStartCalls()).hasSize(1);
    assertThat(new HashSet<>(p.preStartCalls().get(0))).isEqualTo(held);
    assertThat(opts.envs())
        .containsExactly(
            new DeviceRunContainerOptions.EnvVar(
                "KUBELAB_FAKE_GPUS", String.join(",", p.allocateCalls().get(0))));
    assertThat(opts.devices()).hasSize(2);
    assertThat(opts.mounts())
        .containsExactly(
            new DeviceRunContainerOptions.Mount(
                "/usr/local/fake-gpu", "/usr/local/fake-gpu", "/opt/fake-gpu", true));
  }

  @Test
  void withoutPreStartRequiredNoPreStartContainerCallIsMade() throws Exception {
    DeviceManager m = manager();
    FakeGpuPlugin p = plugin(2, false);
    p.register();
    awaitCapacity(m, 2, 2);
    Pod pod = pod("u1", List.of(), List.of(1));
    active.add(pod);
    m.allocate(pod, pod.getSpec().getContainers().get(0));
    assertThat(m.getDeviceRunContainerOptions(pod, pod.getSpec().getContainers().get(0)))
        .isNotNull();
    assertThat(p.preStartCalls()).isEmpty();
  }

  @Test
  void appContainersReuseTheInitContainersDevices() throws Exception {
    DeviceManager m = manager();
    FakeGpuPlugin p = plugin(4, false);
    p.register();
    awaitCapacity(m, 4, 4);
    // init-0 takes 2; app-0 (2) reuses them; app-1 (1) needs a fresh one.
    Pod pod = pod("u1", List.of(2), List.of(2, 1));
    active.add(pod);
    assertThat(m.admitHandler().admit(new PodAdmitHandler.Attributes(pod, List.of())).admit())
        .isTrue();
    Set<String> init = m.containerDevices("u1", "init-0", GPU);
    assertThat(m.containerDevices("u1", "app-0", GPU)).isEqualTo(init);
    assertThat(m.containerDevices("u1", "app-1", GPU)).hasSize(1).doesNotContainAnyElementsOf(init);
    assertThat(m.allocatedCounts()).containsEntry(GPU, 3L);
  }

  @Test
  void tooFewDevicesRefusesThePodWithUpstreamsMessage() throws Exception {
    DeviceManager m = manager();
    FakeGpuPlugin p = plugin(2, false);
    p.register();
    awaitCapacity(m, 2, 2);
    p.setHealth("gpu-0", DevicePlugins.UNHEALTHY);
    awaitCapacity(m, 2, 1);
    Pod pod = pod("u1", List.of(), List.of(2));
    active.add(pod);
    PodAdmitHandler.Result r =
        m.admitHandler().admit(new PodAdmitHandler.Attributes(pod, List.of()));
    assertThat(r)
        .isEqualTo(
            PodAdmitHandler.Result.reject(
                "UnexpectedAdmissionError",
                "Allocate failed due to requested number of devices unavailable for "
                    + GPU
                    + ". Requested: 2, Available: 1, which is unexpected"));
    assertThat(p.allocateCalls()).isEmpty();
  }

  @Test
  void aChangedRequestForAnAllocatedContainerIsAnError() throws Exception {
    DeviceManager m = manager();
    FakeGpuPlugin p = plugin(4, false);
    p.register();
    awaitCapacity(m, 4, 4);
    Pod pod = pod("u1", List.of(), List.of(1));
    active.add(pod);
    m.allocate(pod, pod.getSpec().getContainers().get(0));
    m.allocate(pod, pod.getSpec().getContainers().get(0)); // same request: nothing to do
    assertThat(p.allocateCalls()).hasSize(1);
    Pod bigger = pod("u1", List.of(), List.of(3));
    assertThatThrownBy(() -> m.allocate(bigger, bigger.getSpec().getContainers().get(0)))
        .hasMessage(
            "pod \"u1\" container \"app-0\" changed request for resource \""
                + GPU
                + "\" from 1 to 3");
  }

  @Test
  void devicesOfPodsNoLongerActiveAreFreedAtTheNextAllocation() throws Exception {
    DeviceManager m = manager();
    FakeGpuPlugin p = plugin(2, false);
    p.register();
    awaitCapacity(m, 2, 2);
    Pod a = pod("a", List.of(), List.of(2));
    active.add(a);
    m.allocate(a, a.getSpec().getContainers().get(0));
    Pod b = pod("b", List.of(), List.of(2));
    active.add(b);
    assertThatThrownBy(() -> m.allocate(b, b.getSpec().getContainers().get(0)))
        .hasMessageContaining("Requested: 2, Available: 0");
    active.remove(a);
    m.allocate(b, b.getSpec().getContainers().get(0));
    assertThat(m.containerDevices("b", "app-0", GPU)).hasSize(2);
    assertThat(m.containerDevices("a", "app-0", GPU)).isEmpty();
  }

  @Test
  void aPluginThatStopsLeavesItsDevicesUnhealthyUntilItRegistersAgain() throws Exception {
    DeviceManager m = manager();
    FakeGpuPlugin p = plugin(3, false);
    p.register();
    awaitCapacity(m, 3, 3);
    p.stop(); // the socket is removed and the stream ends
    assertThat(Files.exists(dir.resolve("fake-gpu.sock"))).isFalse();
    awaitCapacity(m, 3, 0);
    p.start(); // socket re-created
    p.register();
    awaitCapacity(m, 3, 3);
    // Still there after the grace period: the new endpoint is running.
    clock.step(DevicePlugins.ENDPOINT_STOP_GRACE_PERIOD.plusSeconds(1));
    assertThat(m.getCapacity().capacity()).containsEntry(GPU, 3L);
  }

  @Test
  void aStoppedPluginsResourceIsDroppedOnlyAfterTheGracePeriod() throws Exception {
    DeviceManager m = manager();
    FakeGpuPlugin p = plugin(2, false);
    p.register();
    awaitCapacity(m, 2, 2);
    p.stop();
    awaitCapacity(m, 2, 0);
    clock.step(DevicePlugins.ENDPOINT_STOP_GRACE_PERIOD);
    assertThat(m.getCapacity().capacity()).containsEntry(GPU, 2L); // not yet: "more than" 5 min
    clock.step(Duration.ofSeconds(1));
    DeviceManager.Capacity c = m.getCapacity();
    assertThat(c.deleted()).containsExactly(GPU);
    assertThat(c.capacity()).doesNotContainKey(GPU);
    assertThat(m.getCapacity().deleted()).isEmpty(); // reported once
  }

  @Test
  void aKubeletRestartRestoresAllocationsFromTheCheckpointWithCapacityZeroUntilReRegistration()
      throws Exception {
    DeviceManager m1 = manager();
    FakeGpuPlugin p = plugin(3, false);
    p.register();
    awaitCapacity(m1, 3, 3);
    Pod pod = pod("u1", List.of(), List.of(2));
    active.add(pod);
    m1.allocate(pod, pod.getSpec().getContainers().get(0));
    Set<String> held = m1.containerDevices("u1", "app-0", GPU);
    m1.close();

    DeviceManager m2 = manager();
    assertThat(m2.containerDevices("u1", "app-0", GPU)).isEqualTo(held);
    assertThat(m2.getCapacity().capacity()).containsEntry(GPU, 0L);
    assertThat(m2.getCapacity().allocatable()).containsEntry(GPU, 0L);
    assertThat(m2.allocatedCounts()).containsEntry(GPU, 2L);
    // The plugin sees kubelet.sock come back, re-creates its socket and registers again.
    p.stop();
    p.start();
    p.register();
    awaitCapacity(m2, 3, 3);
    // The restored allocation still holds: one device left for a new pod.
    Pod other = pod("u2", List.of(), List.of(2));
    active.add(other);
    assertThatThrownBy(() -> m2.allocate(other, other.getSpec().getContainers().get(0)))
        .hasMessageContaining("Requested: 2, Available: 1");
  }

  @Test
  void aRestoredResourceWhosePluginNeverReturnsIsDroppedAfterTheGracePeriod() throws Exception {
    DeviceManager m1 = manager();
    FakeGpuPlugin p = plugin(1, false);
    p.register();
    awaitCapacity(m1, 1, 1);
    // The devices are visible before their checkpoint is on the disk (upstream writes it after
    // unlocking, too): the restart must find it.
    Path cp = dir.resolve(DevicePlugins.CHECKPOINT);
    updates.await("checkpoint written", () -> Files.exists(cp));
    p.close();
    m1.close();
    DeviceManager m2 = manager();
    assertThat(m2.getCapacity().capacity()).containsEntry(GPU, 0L);
    clock.step(DevicePlugins.ENDPOINT_STOP_GRACE_PERIOD.plusMillis(1));
    assertThat(m2.getCapacity().deleted()).containsExactly(GPU);
    assertThat(Checkpoint.read(dir.resolve(DevicePlugins.CHECKPOINT)).registeredDevices())
        .isEmpty();
  }

  @Test
  void aCheckpointWriteHoldsOffEveryOtherUntilItIsOnTheDiskSoTheNewestStateLandsLast()
      throws Exception {
    DeviceManager m = manager();
    FakeGpuPlugin p = plugin(2, false);
    p.register();
    awaitCapacity(m, 2, 2);
    Path cp = dir.resolve(DevicePlugins.CHECKPOINT);
    updates.await("checkpoint written", () -> Files.exists(cp));
    // A writer that holds the test's first write (both devices healthy) until released.
    Thread first = new Thread(() -> writeCheckpoint(m), "first-write");
    CountDownLatch holding = new CountDownLatch(1);
    CountDownLatch release = new CountDownLatch(1);
    List<String> writers = new CopyOnWriteArrayList<>();
    m.checkpointWriter(
        (file, data) -> {
          writers.add(Thread.currentThread().getName());
          if (Thread.currentThread() == first) {
            holding.countDown();
            try {
              release.await(20, TimeUnit.SECONDS);
            } catch (InterruptedException e) {
              Thread.currentThread().interrupt();
            }
          }
          Checkpoint.write(file, data);
        });
    first.start();
    assertThat(holding.await(20, TimeUnit.SECONDS)).isTrue();
    // Meanwhile a device turns unhealthy (the plugin's update writes a checkpoint of its own) and
    // another write starts: neither may reach the disk before the held one, or the held, older
    // snapshot would land last.
    p.setHealth("gpu-1", DevicePlugins.UNHEALTHY);
    awaitCapacity(m, 2, 1);
    Thread third = new Thread(() -> writeCheckpoint(m), "third-write");
    third.start();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (third.getState() != Thread.State.BLOCKED
        && writers.size() == 1
        && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(writers).as("writes that got past the held one").containsExactly("first-write");
    assertThat(third.getState()).isEqualTo(Thread.State.BLOCKED);
    release.countDown();
    first.join(20_000);
    third.join(20_000);
    assertThat(Checkpoint.read(cp).registeredDevices()).containsEntry(GPU, List.of("gpu-0"));
  }

  private static void writeCheckpoint(DeviceManager m) {
    try {
      m.writeCheckpoint();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void aPluginThatNeverAnswersAllocateHitsTheDeadlineAndTheDevicesAreRolledBack() throws Exception {
    DeviceManager m =
        manager(
            new DeviceManager.Config(
                dir, Duration.ofSeconds(5), Duration.ofMillis(300), Duration.ofMillis(300)));
    FakeGpuPlugin p = plugin(2, true);
    p.register();
    awaitCapacity(m, 2, 2);
    p.hang(true);
    Pod pod = pod("u1", List.of(), List.of(2));
    active.add(pod);
    assertThatThrownBy(() -> m.allocate(pod, pod.getSpec().getContainers().get(0)))
        .isInstanceOf(DeviceManagerException.class)
        .hasMessageStartingWith("rpc error: Status{code=DEADLINE_EXCEEDED");
    assertThat(m.allocatedCounts()).doesNotContainKey(GPU);
    p.hang(false);
    m.allocate(pod, pod.getSpec().getContainers().get(0));
    assertThat(m.containerDevices("u1", "app-0", GPU)).hasSize(2);
    p.hang(true);
    assertThatThrownBy(
            () -> m.getDeviceRunContainerOptions(pod, pod.getSpec().getContainers().get(0)))
        .hasMessageStartingWith(
            "device plugin PreStartContainer rpc failed with err: rpc error:"
                + " Status{code=DEADLINE_EXCEEDED");
  }

  @Test
  void aRegistrationWhoseSocketNobodyServesAddsNoEndpoint() throws Exception {
    DeviceManager m =
        manager(
            new DeviceManager.Config(
                dir, Duration.ofMillis(300), Duration.ofMillis(300), Duration.ofMillis(300)));
    // Registers with an endpoint socket that was never created: the kubelet accepts the
    // registration, then its dial fails after the dial timeout and nothing is registered.
    FakeGpuPlugin ghost = new FakeGpuPlugin(dir, "ghost.sock", GPU, 1, false);
    toClose.add(ghost);
    ghost.register();
    FakeGpuPlugin p = plugin(2, false);
    p.register();
    awaitCapacity(m, 2, 2);
  }

  @Test
  void theNewestRegistrationWins() throws Exception {
    DeviceManager m = manager();
    FakeGpuPlugin first = plugin(2, false);
    first.register();
    awaitCapacity(m, 2, 2);
    FakeGpuPlugin second = new FakeGpuPlugin(dir, "second.sock", GPU, 5, false);
    toClose.add(second);
    second.start();
    second.register();
    awaitCapacity(m, 5, 5);
    Pod pod = pod("u1", List.of(), List.of(1));
    active.add(pod);
    m.allocate(pod, pod.getSpec().getContainers().get(0));
    assertThat(second.allocateCalls()).hasSize(1);
    assertThat(first.allocateCalls()).isEmpty();
    // The old plugin going away no longer marks the resource unhealthy.
    first.stop();
    second.setHealth("gpu-4", DevicePlugins.UNHEALTHY);
    awaitCapacity(m, 5, 4);
  }

  @Test
  void closeEndsEveryThread() throws Exception {
    DeviceManager m = new DeviceManager(DeviceManager.Config.of(dir), clock);
    m.start(List::of, () -> true);
    FakeGpuPlugin p = new FakeGpuPlugin(dir, 2);
    p.start();
    p.register();
    Devices.Updates u = new Devices.Updates();
    m.addUpdateListener(u);
    u.await("registered", () -> m.getCapacity().capacity().containsKey(GPU));
    m.close();
    p.close();
    m.close(); // twice is harmless
    assertThat(Devices.liveThreads("device-manager", "fake-gpu")).isEmpty();
  }
}
