package io.kubelab.kubelet.cm.devicemanager;

import io.kubelab.kubelet.deviceplugin.v1beta1.ContainerAllocateResponse;
import io.kubelab.kubelet.deviceplugin.v1beta1.DeviceSpec;
import io.kubelab.kubelet.deviceplugin.v1beta1.Mount;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;
import java.util.TreeSet;

/**
 * Which devices each container of each pod holds, with the plugin's answer to its Allocate call.
 * Not thread-safe: the {@link DeviceManager} guards it with its lock.
 *
 * <p>Upstream: {@code pkg/kubelet/cm/devicemanager/pod_devices.go} (v1.18: device IDs without the
 * per-NUMA grouping v1.20 added). Maps are sorted here where Go ranges over a map in random order.
 */
final class PodDevices {

  /** One container's devices of one resource and the response that came with them. */
  record Allocation(Set<String> deviceIds, ContainerAllocateResponse response) {
    Allocation {
      deviceIds = Set.copyOf(new TreeSet<>(deviceIds));
    }
  }

  // podUID -> container -> resource -> allocation
  private final Map<String, Map<String, Map<String, Allocation>>> devs = new TreeMap<>();

  Set<String> pods() {
    return new TreeSet<>(devs.keySet());
  }

  boolean hasPod(String podUid) {
    return devs.containsKey(podUid);
  }

  void insert(
      String podUid,
      String container,
      String resource,
      Set<String> ids,
      ContainerAllocateResponse resp) {
    devs.computeIfAbsent(podUid, k -> new TreeMap<>())
        .computeIfAbsent(container, k -> new TreeMap<>())
        .put(resource, new Allocation(ids, resp));
  }

  void delete(Iterable<String> podUids) {
    for (String uid : podUids) {
      devs.remove(uid);
    }
  }

  /** Upstream {@code containerDevices}: null when the container holds none of the resource. */
  Set<String> containerDevices(String podUid, String container, String resource) {
    Map<String, Map<String, Allocation>> cs = devs.get(podUid);
    Map<String, Allocation> rs = cs == null ? null : cs.get(container);
    Allocation a = rs == null ? null : rs.get(resource);
    return a == null ? null : a.deviceIds();
  }

  /** Upstream {@code addContainerAllocatedResources}: an init container's devices join the pool. */
  void addContainerAllocatedResources(
      String podUid, String container, Map<String, Set<String>> pool) {
    for (Map.Entry<String, Allocation> e : containerAllocations(podUid, container).entrySet()) {
      pool.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).addAll(e.getValue().deviceIds());
    }
  }

  /** Upstream {@code removeContainerAllocatedResources}: an app container's devices leave it. */
  void removeContainerAllocatedResources(
      String podUid, String container, Map<String, Set<String>> pool) {
    for (Map.Entry<String, Allocation> e : containerAllocations(podUid, container).entrySet()) {
      Set<String> p = pool.get(e.getKey());
      if (p != null) {
        p.removeAll(e.getValue().deviceIds());
      }
    }
  }

  private Map<String, Allocation> containerAllocations(String podUid, String container) {
    Map<String, Map<String, Allocation>> cs = devs.get(podUid);
    Map<String, Allocation> rs = cs == null ? null : cs.get(container);
    return rs == null ? Map.of() : rs;
  }

  /** Upstream {@code devices}: every allocated device ID per resource. */
  Map<String, Set<String>> devices() {
    Map<String, Set<String>> out = new HashMap<>();
    for (Map<String, Map<String, Allocation>> cs : devs.values()) {
      for (Map<String, Allocation> rs : cs.values()) {
        for (Map.Entry<String, Allocation> e : rs.entrySet()) {
          out.computeIfAbsent(e.getKey(), k -> new TreeSet<>()).addAll(e.getValue().deviceIds());
        }
      }
    }
    return out;
  }

  /** Upstream {@code toCheckpointData}: entries without a response are left out. */
  List<Checkpoint.Entry> toCheckpointData() {
    List<Checkpoint.Entry> out = new ArrayList<>();
    devs.forEach(
        (pod, cs) ->
            cs.forEach(
                (c, rs) ->
                    rs.forEach(
                        (r, a) -> {
                          if (a.response() == null) {
                            return;
                          }
                          out.add(
                              new Checkpoint.Entry(
                                  pod,
                                  c,
                                  r,
                                  List.copyOf(a.deviceIds()),
                                  a.response().toByteArray()));
                        })));
    return out;
  }

  /** Upstream {@code fromCheckpointData}. */
  void fromCheckpointData(List<Checkpoint.Entry> entries) {
    for (Checkpoint.Entry e : entries) {
      ContainerAllocateResponse resp;
      try {
        resp = ContainerAllocateResponse.parseFrom(e.allocResp());
      } catch (com.google.protobuf.InvalidProtocolBufferException ex) {
        // Upstream logs the unmarshal error and skips the entry.
        continue;
      }
      insert(e.podUid(), e.containerName(), e.resourceName(), Set.copyOf(e.deviceIds()), resp);
    }
  }

  /**
   * Upstream {@code deviceRunContainerOptions}: every resource's response merged; for envs, devices
   * and mounts (by container path) and annotations the first value wins and a conflict is logged.
   * Resources are taken in name order (upstream ranges over a map). Null when the container holds
   * no devices.
   */
  DeviceRunContainerOptions deviceRunContainerOptions(String podUid, String container) {
    Map<String, Map<String, Allocation>> cs = devs.get(podUid);
    Map<String, Allocation> rs = cs == null ? null : cs.get(container);
    if (rs == null) {
      return null;
    }
    Map<String, String> envs = new HashMap<>();
    Map<String, String> devices = new HashMap<>();
    Map<String, String> mounts = new HashMap<>();
    Map<String, String> annotations = new HashMap<>();
    List<DeviceRunContainerOptions.EnvVar> envList = new ArrayList<>();
    List<DeviceRunContainerOptions.DeviceInfo> devList = new ArrayList<>();
    List<DeviceRunContainerOptions.Mount> mountList = new ArrayList<>();
    List<DeviceRunContainerOptions.Annotation> annList = new ArrayList<>();
    for (Allocation a : rs.values()) {
      ContainerAllocateResponse resp = a.response();
      for (Map.Entry<String, String> e : new TreeMap<>(resp.getEnvsMap()).entrySet()) {
        if (firstWins(
            envs,
            e.getKey(),
            e.getValue(),
            "Environment variable %s has conflicting setting: %s and %s")) {
          envList.add(new DeviceRunContainerOptions.EnvVar(e.getKey(), e.getValue()));
        }
      }
      for (DeviceSpec d : resp.getDevicesList()) {
        if (firstWins(
            devices,
            d.getContainerPath(),
            d.getHostPath(),
            "Container device %s has conflicting mapping host devices: %s and %s")) {
          devList.add(
              new DeviceRunContainerOptions.DeviceInfo(
                  d.getHostPath(), d.getContainerPath(), d.getPermissions()));
        }
      }
      for (Mount m : resp.getMountsList()) {
        if (firstWins(
            mounts,
            m.getContainerPath(),
            m.getHostPath(),
            "Container mount %s has conflicting mapping host mounts: %s and %s")) {
          mountList.add(
              new DeviceRunContainerOptions.Mount(
                  m.getContainerPath(), m.getContainerPath(), m.getHostPath(), m.getReadOnly()));
        }
      }
      for (Map.Entry<String, String> e : new TreeMap<>(resp.getAnnotationsMap()).entrySet()) {
        if (firstWins(
            annotations,
            e.getKey(),
            e.getValue(),
            "Annotation %s has conflicting setting: %s and %s")) {
          annList.add(new DeviceRunContainerOptions.Annotation(e.getKey(), e.getValue()));
        }
      }
    }
    return new DeviceRunContainerOptions(envList, mountList, devList, annList);
  }

  private static boolean firstWins(
      Map<String, String> seen, String key, String value, String conflict) {
    String old = seen.putIfAbsent(key, value);
    if (old == null) {
      return true;
    }
    if (!old.equals(value)) {
      System.getLogger(PodDevices.class.getName())
          .log(System.Logger.Level.ERROR, String.format(conflict, key, old, value));
    }
    return false;
  }
}
