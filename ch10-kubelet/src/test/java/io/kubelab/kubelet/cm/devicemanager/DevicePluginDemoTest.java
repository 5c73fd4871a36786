package io.kubelab.kubelet.cm.devicemanager;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.lifecycle.PodAdmitHandler;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The chapter's walk-through, printed: the sample plugin registers, a device turns unhealthy, a pod
 * with an init container is admitted, the checkpoint is written, the kubelet restarts.
 */
@Timeout(60)
class DevicePluginDemoTest {

  private static final String GPU = FakeGpuPlugin.RESOURCE;

  @TempDir Path dir;

  private static String line(String what, DeviceManager m) {
    DeviceManager.Capacity c = m.getCapacity();
    return what
        + ": capacity "
        + c.capacity().get(GPU)
        + ", allocatable "
        + c.allocatable().get(GPU);
  }

  @Test
  void walkThrough() throws Exception {
    FakeClock clock = new FakeClock();
    Devices.Updates updates = new Devices.Updates();
    Pod pod = Devices.pod("u1", List.of(2), List.of(2, 1));
    try (FakeGpuPlugin plugin = new FakeGpuPlugin(dir, 4)) {
      DeviceManager m = new DeviceManager(DeviceManager.Config.of(dir), clock);
      m.addUpdateListener(updates);
      m.start(() -> List.of(pod), () -> true);
      plugin.start();
      plugin.register();
      updates.await(
          "4 devices", () -> Long.valueOf(4).equals(m.getCapacity().allocatable().get(GPU)));
      System.out.println(line("registered " + GPU, m));
      plugin.setHealth("gpu-3", DevicePlugins.UNHEALTHY);
      updates.await(
          "3 healthy", () -> Long.valueOf(3).equals(m.getCapacity().allocatable().get(GPU)));
      System.out.println(line("gpu-3 Unhealthy", m));

      PodAdmitHandler.Result r =
          m.admitHandler().admit(new PodAdmitHandler.Attributes(pod, List.of()));
      System.out.println("admit pod u1: " + r.admit());
      for (String c : List.of("init-0", "app-0", "app-1")) {
        System.out.println(
            "  " + c + " holds " + m.containerDevices("u1", c, GPU).stream().sorted().toList());
      }
      System.out.println("Allocate calls seen by the plugin: " + plugin.allocateCalls());
      System.out.println("checkpoint: " + Files.readString(dir.resolve(DevicePlugins.CHECKPOINT)));
      m.close();

      DeviceManager m2 = new DeviceManager(DeviceManager.Config.of(dir), clock);
      m2.addUpdateListener(updates);
      m2.start(() -> List.of(pod), () -> true);
      System.out.println(line("after a kubelet restart", m2));
      System.out.println("  app-1 still holds " + m2.containerDevices("u1", "app-1", GPU));
      plugin.stop();
      plugin.start();
      plugin.register();
      updates.await(
          "re-registered", () -> Long.valueOf(4).equals(m2.getCapacity().capacity().get(GPU)));
      System.out.println(line("plugin registered again", m2));
      m2.close();
      assertThat(r.admit()).isTrue();
    }
  }
}
