package io.kubelab.kubelet.pluginmanager;

import static org.assertj.core.api.Assertions.assertThat;

import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.cm.devicemanager.DeviceManager;
import io.kubelab.kubelet.cm.devicemanager.FakeGpuPlugin;
import io.kubelab.kubelet.pluginregistration.v1.RegistrationStatus;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The plugin manager over a real registry directory (the JDK's WatchService) and real gRPC on Unix
 * sockets; the reconciler's 1 s loop runs on a FakeClock that the test steps.
 */
@Timeout(60)
class PluginManagerTest {

  private static final String GPU = FakeGpuPlugin.RESOURCE;

  @TempDir Path devicePlugins;
  @TempDir Path registry;
  private final FakeClock clock = new FakeClock();
  private final Semaphore events = new Semaphore(0);
  private final List<AutoCloseable> toClose = new ArrayList<>();
  private DeviceManager dm;
  private PluginManager pm;

  @BeforeEach
  void setUp() throws Exception {
    dm = new DeviceManager(DeviceManager.Config.of(devicePlugins), clock);
    dm.addUpdateListener(events::release);
    dm.start(List::of, () -> true);
    pm = new PluginManager(registry, clock);
    pm.addHandler(PluginHandler.DEVICE_PLUGIN, dm.pluginHandler());
    pm.start();
  }

  @AfterEach
  void tearDown() throws Exception {
    for (int i = toClose.size() - 1; i >= 0; i--) {
      toClose.get(i).close();
    }
    pm.close();
    dm.close();
    List<String> alive = new ArrayList<>();
    for (Thread t : Thread.getAllStackTraces().keySet()) {
      if (t.getName().startsWith("plugin-") || t.getName().startsWith("device-manager")) {
        t.join(10_000);
        if (t.isAlive()) {
          alive.add(t.getName());
        }
      }
    }
    assertThat(alive).isEmpty();
  }

  private FakeGpuPlugin plugin(String socket, int devices) throws Exception {
    FakeGpuPlugin p = new FakeGpuPlugin(registry, socket, GPU, devices, false);
    p.onRegistrationStatus(events::release);
    toClose.add(p);
    return p;
  }

  /**
   * Steps the reconciler's clock a second at a time until {@code cond} holds (bounded). The bound
   * is real time: between the steps, the directory watcher, gRPC's connection set-up on the Unix
   * sockets and the device plugin's stream run on real threads. On an idle machine each wait below
   * ends within a second; on a shared 2-core machine under a load of 10 to 20 one has taken more
   * than 20 s, hence the minute.
   */
  private void reconcileUntil(String what, BooleanSupplier cond) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(60).toNanos();
    while (!cond.getAsBoolean()) {
      assertThat(System.nanoTime()).as("waiting for " + what).isLessThan(deadline);
      clock.step(PluginManager.RECONCILE_PERIOD);
      events.tryAcquire(50, TimeUnit.MILLISECONDS);
    }
  }

  private boolean capacity(long capacity, long allocatable) {
    DeviceManager.Capacity c = dm.getCapacity();
    return Long.valueOf(capacity).equals(c.capacity().get(GPU))
        && Long.valueOf(allocatable).equals(c.allocatable().get(GPU));
  }

  @Test
  void aSocketCreatedInTheRegistryIsRegisteredAndTheDeviceManagerSeesItsDevices() throws Exception {
    FakeGpuPlugin p = plugin("gpu.sock", 2);
    p.start();
    reconcileUntil("registration status", () -> !p.registrationStatuses().isEmpty());
    assertThat(p.registrationStatuses())
        .containsExactly(RegistrationStatus.newBuilder().setPluginRegistered(true).build());
    reconcileUntil("2 devices", () -> capacity(2, 2));
    assertThat(pm.registeredSockets()).containsExactly(p.socket().toString());
  }

  @Test
  void aSocketPresentAtStartIsRegisteredToo() throws Exception {
    pm.close();
    FakeGpuPlugin p = plugin("early.sock", 1);
    p.start();
    pm = new PluginManager(registry, clock);
    pm.addHandler(PluginHandler.DEVICE_PLUGIN, dm.pluginHandler());
    pm.start();
    reconcileUntil("1 device", () -> capacity(1, 1));
  }

  @Test
  void aDeletedSocketIsUnregisteredAndARecreatedOneRegisteredAgain() throws Exception {
    FakeGpuPlugin p = plugin("gpu.sock", 3);
    p.start();
    reconcileUntil("3 devices", () -> capacity(3, 3));
    // The devices can arrive before the registration status does (the register operation sends it
    // after the handler has run): stopping the plugin before would lose it.
    reconcileUntil("registration status", () -> p.registrationStatuses().size() == 1);
    p.stop(); // removes the socket: a delete event
    reconcileUntil("unregistered", () -> pm.registeredSockets().isEmpty());
    reconcileUntil("devices unhealthy", () -> capacity(3, 0));
    p.start(); // re-created
    reconcileUntil("registered again", () -> p.registrationStatuses().size() == 2);
    reconcileUntil("3 devices again", () -> capacity(3, 3));
  }

  @Test
  void aPluginTypeWithoutHandlerIsToldSoAndBacksOff() throws Exception {
    FakeGpuPlugin p = plugin("csi.sock", 1);
    p.pluginInfo("CSIPlugin", List.of("1.0.0"));
    p.start();
    reconcileUntil("refusal", () -> !p.registrationStatuses().isEmpty());
    assertThat(p.registrationStatuses().get(0))
        .isEqualTo(
            RegistrationStatus.newBuilder()
                .setPluginRegistered(false)
                .setError(
                    "RegisterPlugin error -- no handler registered for plugin type: CSIPlugin at"
                        + " socket "
                        + p.socket())
                .build());
    reconcileUntil("back-off", () -> !pm.backOff(p.socket().toString()).isZero());
    assertThat(pm.backOff(p.socket().toString())).isEqualTo(Duration.ofMillis(500));
    reconcileUntil("a second refusal", () -> p.registrationStatuses().size() == 2);
    reconcileUntil(
        "doubled", () -> pm.backOff(p.socket().toString()).equals(Duration.ofSeconds(1)));
    assertThat(pm.registeredSockets()).isEmpty();
  }

  @Test
  void aPluginWithoutASupportedVersionFailsValidation() throws Exception {
    FakeGpuPlugin p = plugin("old.sock", 1);
    p.pluginInfo("DevicePlugin", List.of("v1alpha1"));
    p.start();
    reconcileUntil("refusal", () -> !p.registrationStatuses().isEmpty());
    assertThat(p.registrationStatuses().get(0).getError())
        .isEqualTo(
            "RegisterPlugin error -- plugin validation failed with err: manager version,"
                + " v1beta1, is not among plugin supported versions [v1alpha1]");
    assertThat(dm.getCapacity().capacity()).doesNotContainKey(GPU);
  }

  @Test
  void regularFilesAndDotFilesAreIgnored() throws Exception {
    Files.writeString(registry.resolve("notes.txt"), "x");
    FakeGpuPlugin hidden = plugin(".hidden.sock", 1);
    hidden.start();
    FakeGpuPlugin p = plugin("gpu.sock", 1);
    p.start();
    reconcileUntil("gpu.sock registered", () -> capacity(1, 1));
    assertThat(pm.registeredSockets()).containsExactly(p.socket().toString());
    assertThat(hidden.registrationStatuses()).isEmpty();
  }
}
