package io.kubelab.kubelet.cm.devicemanager;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Random sequences of plugin updates, allocations, frees and kubelet restarts against a small
 * model, over real gRPC: no device is ever held by two containers, allocatable never exceeds the
 * healthy devices, and a restart restores exactly the allocations made.
 *
 * <p>The model knows only which devices are healthy and which pods (active or not) hold which
 * devices; it predicts whether an allocation succeeds from those counts alone.
 */
@Timeout(300)
class DeviceManagerPropertyTest {

  private static final String GPU = FakeGpuPlugin.RESOURCE;
  private static final int DEVICES = 6;

  @Test
  void allocationsStayDisjointBoundedAndSurviveRestarts() {
    qt().withFixedSeed(19L)
        .withExamples(20)
        .withShrinkCycles(20)
        .forAll(lists().of(integers().between(0, 39)).ofSizeBetween(1, 10))
        .checkAssert(
            ops -> {
              try {
                run(ops);
              } catch (Exception e) {
                throw new AssertionError(e);
              }
            });
  }

  private void run(List<Integer> ops) throws Exception {
    Path dir = Files.createTempDirectory("devplug-prop");
    FakeClock clock = new FakeClock();
    List<Pod> active = new ArrayList<>();
    Devices.Updates updates = new Devices.Updates();
    // The model.
    Set<String> healthy = new HashSet<>();
    Map<String, Set<String>> held = new LinkedHashMap<>(); // pod uid -> devices (until GC'd)
    Set<String> activeUids = new HashSet<>();
    int nextPod = 0;

    FakeGpuPlugin plugin = new FakeGpuPlugin(dir, "fake-gpu.sock", GPU, DEVICES, false);
    DeviceManager m = null;
    try {
      m = start(dir, clock, active, updates); // removes stale sockets: start it first
      plugin.start();
      plugin.register();
      for (int i = 0; i < DEVICES; i++) {
        healthy.add("gpu-" + i);
      }
      awaitAllocatable(m, updates, DEVICES);
      Path cpFile = dir.resolve(DevicePlugins.CHECKPOINT);
      for (int op : ops) {
        int kind = op / 10;
        int arg = op % 10;
        switch (kind) {
          case 0 -> { // update: the first `arg % (DEVICES+1)` devices healthy, the rest not
            int n = arg % (DEVICES + 1);
            Map<String, String> devs = new TreeMap<>();
            healthy.clear();
            for (int i = 0; i < DEVICES; i++) {
              boolean h = i < n;
              devs.put("gpu-" + i, h ? DevicePlugins.HEALTHY : DevicePlugins.UNHEALTHY);
              if (h) {
                healthy.add("gpu-" + i);
              }
            }
            plugin.setDevices(devs);
            awaitAllocatable(m, updates, n);
          }
          case 1 -> { // allocate 1..3 devices to a new pod
            int want = 1 + arg % 3;
            String uid = "p" + nextPod++;
            Pod pod = Devices.pod(uid, List.of(), List.of(want));
            active.add(pod);
            activeUids.add(uid);
            // Model: inactive pods' devices are freed first, then healthy minus held.
            held.keySet().retainAll(activeUids);
            Set<String> free = new HashSet<>(healthy);
            held.values().forEach(free::removeAll);
            boolean expectOk = want <= free.size();
            boolean ok;
            try {
              m.allocate(pod, pod.getSpec().getContainers().get(0));
              ok = true;
            } catch (DeviceManagerException e) {
              ok = false;
            }
            assertThat(ok).as("allocate %d with %s free", want, free).isEqualTo(expectOk);
            if (ok) {
              Set<String> got = m.containerDevices(uid, "app-0", GPU);
              assertThat(got).hasSize(want);
              assertThat(free).containsAll(got);
              held.put(uid, got);
            } else {
              active.remove(pod);
              activeUids.remove(uid);
            }
          }
          case 2 -> { // free: the pod with index arg (if any) ends
            if (!active.isEmpty()) {
              Pod gone = active.remove(arg % active.size());
              activeUids.remove(gone.getMetadata().getUid());
            }
          }
          default -> { // restart the kubelet; the plugin re-creates its socket and re-registers
            // A restart right after registration must find the first checkpoint on the disk: the
            // device update that writes it becomes visible before the write is done.
            updates.await("checkpoint written", () -> Files.exists(cpFile));
            Map<String, Set<String>> before = new HashMap<>();
            for (String uid : held.keySet()) {
              before.put(uid, m.containerDevices(uid, "app-0", GPU));
            }
            m.close();
            m = start(dir, clock, active, updates);
            assertThat(m.getCapacity().allocatable()).containsEntry(GPU, 0L);
            for (var e : before.entrySet()) {
              assertThat(m.containerDevices(e.getKey(), "app-0", GPU))
                  .as("restored allocation of %s", e.getKey())
                  .isEqualTo(e.getValue());
            }
            plugin.stop();
            plugin.start();
            plugin.register();
            awaitAllocatable(m, updates, healthy.size());
          }
        }
        // Invariants.
        assertThat(m.getCapacity().allocatable().getOrDefault(GPU, 0L))
            .isLessThanOrEqualTo(healthy.size());
        // The state is visible before its checkpoint is on the disk (upstream writes it after
        // unlocking, too): wait for the first one; any later one may still be in flight.
        updates.await("checkpoint written", () -> Files.exists(cpFile));
        Checkpoint.Data cp = Checkpoint.read(cpFile);
        Set<String> seen = new HashSet<>();
        for (Checkpoint.Entry e : cp.podDeviceEntries()) {
          for (String d : e.deviceIds()) {
            assertThat(seen.add(d)).as("device %s held twice in %s", d, cp).isTrue();
          }
        }
      }
    } finally {
      if (m != null) {
        m.close();
      }
      plugin.close();
      try (var s = Files.list(dir)) {
        for (Path p : (Iterable<Path>) s::iterator) {
          Files.deleteIfExists(p);
        }
      }
      Files.deleteIfExists(dir);
    }
  }

  private static DeviceManager start(
      Path dir, FakeClock clock, List<Pod> active, Devices.Updates updates) throws Exception {
    DeviceManager m = new DeviceManager(DeviceManager.Config.of(dir), clock);
    m.addUpdateListener(updates);
    m.start(() -> List.copyOf(active), () -> true);
    return m;
  }

  private static void awaitAllocatable(DeviceManager m, Devices.Updates updates, long n)
      throws InterruptedException {
    updates.await(
        "allocatable " + n,
        () -> {
          DeviceManager.Capacity c = m.getCapacity();
          return Long.valueOf(DEVICES).equals(c.capacity().get(GPU))
              && Long.valueOf(n).equals(c.allocatable().get(GPU));
        });
  }
}
