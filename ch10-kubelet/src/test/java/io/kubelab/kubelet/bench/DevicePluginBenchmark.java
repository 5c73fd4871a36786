package io.kubelab.kubelet.bench;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.cm.devicemanager.DeviceManager;
import io.kubelab.kubelet.cm.devicemanager.DeviceManagerException;
import io.kubelab.kubelet.cm.devicemanager.DevicePlugins;
import io.kubelab.kubelet.cm.devicemanager.FakeGpuPlugin;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;

/**
 * The device manager against the sample plugin over real Unix sockets. {@code allocate}: one
 * container's Allocate round trip (choose a device, the RPC, record it, write the checkpoint; the
 * previous pod has ended, so its device is freed first). {@code listAndWatchToAllocatable}: a
 * plugin flips a device's health until the kubelet's allocatable shows it. SampleTime, so JMH
 * reports percentiles. The pods are built before the measurement (a ring of {@link #RING}, far more
 * than are ever active), so the figures are the device manager's, not the pod builders'. After each
 * iteration the benchmark prints the context switches of all the JVM's threads per operation, a
 * figure of how many thread hand-offs a call costs that does not depend on the machine's load.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.SampleTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
public class DevicePluginBenchmark {

  /**
   * Where the sockets and the checkpoint live: the default temporary directory (a disk: each
   * allocation's checkpoint write and rename cost milliseconds there) or {@code /dev/shm} (tmpfs:
   * what is left is the RPC and the bookkeeping).
   */
  @Param({"tmp", "shm"})
  public String socketDir;

  private Path dir;
  private DeviceManager manager;
  private FakeGpuPlugin plugin;
  static final int RING = 1024;

  private final Semaphore updates = new Semaphore(0);
  private final Pod[] pods = new Pod[RING];
  private volatile Pod current;
  private long podCounter;
  private long opsInIteration;
  private long switchesBefore;
  private boolean healthy = true;

  @Setup(Level.Trial)
  public void setUp() throws Exception {
    dir =
        socketDir.equals("shm") && Files.isDirectory(Path.of("/dev/shm"))
            ? Files.createTempDirectory(Path.of("/dev/shm"), "devplug-bench")
            : Files.createTempDirectory("devplug-bench");
    manager = new DeviceManager(DeviceManager.Config.of(dir), new FakeClock());
    manager.addUpdateListener(updates::release);
    manager.start(() -> current == null ? List.of() : List.of(current), () -> true);
    for (int i = 0; i < RING; i++) {
      pods[i] = pod("p" + i);
    }
    plugin = new FakeGpuPlugin(dir, 4);
    plugin.start();
    plugin.register();
    awaitAllocatable(4);
  }

  private void awaitAllocatable(long n) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (manager.getCapacity().allocatable().getOrDefault(FakeGpuPlugin.RESOURCE, -1L) != n) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new IllegalStateException("allocatable never reached " + n);
      }
      updates.tryAcquire(left, TimeUnit.NANOSECONDS);
    }
  }

  private static Pod pod(String uid) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(uid)
        .withNamespace("default")
        .withUid(uid)
        .endMetadata()
        .withNewSpec()
        .withContainers(
            new ContainerBuilder()
                .withName("app")
                .withNewResources()
                .withLimits(Map.of(FakeGpuPlugin.RESOURCE, new Quantity("1")))
                .endResources()
                .build())
        .endSpec()
        .build();
  }

  @Benchmark
  public Object allocate() throws DeviceManagerException {
    Pod p = pods[(int) (podCounter++ % RING)];
    opsInIteration++;
    current = p; // only this pod is active: the previous one's device is freed first
    manager.allocate(p, p.getSpec().getContainers().get(0));
    return manager;
  }

  @Benchmark
  public Object listAndWatchToAllocatable() throws InterruptedException {
    opsInIteration++;
    healthy = !healthy;
    plugin.setHealth("gpu-0", healthy ? DevicePlugins.HEALTHY : DevicePlugins.UNHEALTHY);
    awaitAllocatable(healthy ? 4 : 3);
    return manager;
  }

  @Setup(Level.Iteration)
  public void countSwitches() throws IOException {
    opsInIteration = 0;
    switchesBefore = contextSwitches();
  }

  @TearDown(Level.Iteration)
  public void reportSwitches() throws IOException {
    long switches = contextSwitches() - switchesBefore;
    if (switchesBefore >= 0 && opsInIteration > 0) {
      System.out.printf(
          "  [context switches per op, all threads: %.2f over %d ops]%n",
          (double) switches / opsInIteration, opsInIteration);
    }
  }

  /** Voluntary and involuntary context switches of every thread of this JVM; -1 off Linux. */
  private static long contextSwitches() throws IOException {
    Path tasks = Path.of("/proc/self/task");
    if (!Files.isDirectory(tasks)) {
      return -1;
    }
    long sum = 0;
    try (var ds = Files.newDirectoryStream(tasks)) {
      for (Path t : ds) {
        List<String> lines;
        try {
          lines = Files.readAllLines(t.resolve("status"));
        } catch (IOException e) {
          continue; // the thread ended while we listed them
        }
        for (String l : lines) {
          if (l.startsWith("voluntary_ctxt_switches:")
              || l.startsWith("nonvoluntary_ctxt_switches:")) {
            sum += Long.parseLong(l.substring(l.indexOf(':') + 1).trim());
          }
        }
      }
    }
    return sum;
  }

  @TearDown(Level.Trial)
  public void tearDown() throws Exception {
    manager.close();
    plugin.close();
    try (var s = Files.list(dir)) {
      for (Path f : (Iterable<Path>) s::iterator) {
        Files.deleteIfExists(f);
      }
    }
    Files.deleteIfExists(dir);
  }
}
