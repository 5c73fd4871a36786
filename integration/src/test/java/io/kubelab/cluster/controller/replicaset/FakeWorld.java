package io.kubelab.cluster.controller.replicaset;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodTemplateSpec;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.cluster.controller.ApiStatusException;
import io.kubelab.cluster.controller.ControllerUtils;
import io.kubelab.cluster.controller.PodControl;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.function.IntFunction;

/**
 * An API server and an informer cache for one namespace, with the informer behind the server: a
 * write changes the server at once and queues its watch event; {@link #deliver} applies the queued
 * events to the cache and calls the controller's handlers, as an informer does. Pods are deleted at
 * once (as an unbound pod is).
 */
final class FakeWorld
    implements ReplicaSetController.Cache, ReplicaSetController.ReplicaSetClient, PodControl {

  static final String NS = "default";

  final FakeClock clock = new FakeClock();
  final Map<String, ReplicaSet> serverRs = new TreeMap<>();
  final Map<String, Pod> serverPods = new TreeMap<>();
  private final Map<String, ReplicaSet> cacheRs = new TreeMap<>();
  private final Map<String, Pod> cachePods = new TreeMap<>();
  private final ArrayDeque<Runnable> events = new ArrayDeque<>();
  ReplicaSetController controller;

  private long rv;
  private int podSeq;
  int createCalls;
  int statusWrites;
  IntFunction<RuntimeException> createFailure = call -> null; // by 1-based call number
  RuntimeException statusFailure;
  RuntimeException deleteFailure; // thrown by every pod deletion while set
  final List<String> deletedNames = new ArrayList<>();
  final List<String> patches = new ArrayList<>();

  ReplicaSetController controller(int burst) {
    controller = new ReplicaSetController(this, this, this, clock, Runnable::run, burst);
    return controller;
  }

  // ---- the cache ---------------------------------------------------------------------------

  @Override
  public ReplicaSet replicaSet(String namespace, String name) {
    return cacheRs.get(name);
  }

  @Override
  public List<ReplicaSet> replicaSets(String namespace) {
    return List.copyOf(cacheRs.values());
  }

  @Override
  public List<Pod> pods(String namespace) {
    return List.copyOf(cachePods.values());
  }

  /** Delivers every queued watch event; true if there was one. */
  boolean deliver() {
    boolean any = !events.isEmpty();
    while (!events.isEmpty()) {
      events.poll().run();
    }
    return any;
  }

  /** Delivers at most {@code n} events. */
  void deliver(int n) {
    for (int i = 0; i < n && !events.isEmpty(); i++) {
      events.poll().run();
    }
  }

  int pendingEvents() {
    return events.size();
  }

  /** Delivers events and runs the controller until nothing is left (at most 200 rounds). */
  void settle() throws InterruptedException {
    for (int round = 0; round < 200; round++) {
      boolean delivered = deliver();
      boolean worked = false;
      while (controller.queue().len() > 0) {
        controller.processNextWorkItem(Duration.ZERO);
        worked = true;
      }
      if (!delivered && !worked && events.isEmpty()) {
        return;
      }
    }
    throw new AssertionError("the controller did not settle in 200 rounds");
  }

  // ---- writes, as the server makes them ----------------------------------------------------

  private String nextRv() {
    return String.valueOf(++rv);
  }

  void putRs(ReplicaSet rs) {
    ReplicaSet old = serverRs.get(rs.getMetadata().getName());
    ReplicaSet stored =
        new ReplicaSetBuilder(rs)
            .editMetadata()
            .withResourceVersion(nextRv())
            .endMetadata()
            .build();
    if (old == null) {
      stored.getMetadata().setGeneration(1L);
    } else if (!old.getSpec().equals(stored.getSpec())) {
      stored.getMetadata().setGeneration(old.getMetadata().getGeneration() + 1);
    }
    serverRs.put(stored.getMetadata().getName(), stored);
    events.add(
        () -> {
          ReplicaSet before = cacheRs.put(stored.getMetadata().getName(), stored);
          if (before == null) {
            controller.addReplicaSet(stored);
          } else {
            controller.updateReplicaSet(before, stored);
          }
        });
  }

  void deleteRs(String name) {
    ReplicaSet gone = serverRs.remove(name);
    events.add(
        () -> {
          cacheRs.remove(name);
          controller.deleteReplicaSet(gone);
        });
  }

  void putPod(Pod pod) {
    Pod stored =
        new PodBuilder(pod).editMetadata().withResourceVersion(nextRv()).endMetadata().build();
    if (stored.getMetadata().getNamespace() == null) {
      stored.getMetadata().setNamespace(NS);
    }
    serverPods.put(stored.getMetadata().getName(), stored);
    events.add(
        () -> {
          Pod before = cachePods.put(stored.getMetadata().getName(), stored);
          if (before == null) {
            controller.addPod(stored);
          } else {
            controller.updatePod(before, stored);
          }
        });
  }

  void removePod(String name) {
    Pod gone = serverPods.remove(name);
    if (gone == null) {
      return;
    }
    events.add(
        () -> {
          cachePods.remove(name);
          controller.deletePod(gone);
        });
  }

  // ---- the client ---------------------------------------------------------------------------

  @Override
  public ReplicaSet get(String namespace, String name) {
    ReplicaSet rs = serverRs.get(name);
    if (rs == null) {
      throw ApiStatusException.notFound("replicasets.apps \"" + name + "\" not found");
    }
    return rs;
  }

  @Override
  public ReplicaSet updateStatus(ReplicaSet rs) {
    statusWrites++;
    if (statusFailure != null) {
      RuntimeException e = statusFailure;
      statusFailure = null;
      throw e;
    }
    ReplicaSet cur = get(NS, rs.getMetadata().getName());
    ReplicaSet written = new ReplicaSetBuilder(cur).withStatus(rs.getStatus()).build();
    putRs(written);
    return serverRs.get(rs.getMetadata().getName());
  }

  // ---- pod control --------------------------------------------------------------------------

  @Override
  public void createPodsWithControllerRef(
      String namespace, PodTemplateSpec template, HasMetadata controller, OwnerReference ref) {
    ControllerUtils.validateControllerRef(ref);
    int call = ++createCalls;
    RuntimeException failure = createFailure.apply(call);
    if (failure != null) {
      throw failure;
    }
    Pod pod = ControllerUtils.podFromTemplate(template, controller, ref);
    String name = pod.getMetadata().getGenerateName() + String.format("%05d", ++podSeq);
    pod.getMetadata().setName(name);
    pod.getMetadata().setNamespace(namespace);
    pod.getMetadata().setUid("uid-" + name);
    pod.getMetadata().setCreationTimestamp(clock.now().toString());
    putPod(pod);
  }

  @Override
  public void deletePod(String namespace, String name, HasMetadata controller) {
    if (deleteFailure != null) {
      throw deleteFailure;
    }
    if (!serverPods.containsKey(name)) {
      throw ApiStatusException.notFound("pods \"" + name + "\" not found");
    }
    deletedNames.add(name);
    removePod(name);
  }

  @Override
  public void patchPod(String namespace, String name, String strategicMergePatch) {
    patches.add(name + " " + strategicMergePatch);
    Pod cur = serverPods.get(name);
    if (cur == null) {
      throw ApiStatusException.notFound("pods \"" + name + "\" not found");
    }
    PodBuilder b = new PodBuilder(cur);
    if (strategicMergePatch.contains("\"$patch\":\"delete\"")) {
      b.editMetadata().withOwnerReferences(List.of()).endMetadata();
    } else {
      OwnerReference ref = ControllerUtils.newControllerRef(controller(), "apps/v1", "ReplicaSet");
      b.editMetadata().withOwnerReferences(ref).endMetadata();
    }
    putPod(b.build());
  }

  /** The single ReplicaSet the patch tests adopt for (the fake applies adoptions for it). */
  private ReplicaSet controller() {
    return serverRs.values().iterator().next();
  }

  // ---- views for tests ------------------------------------------------------------------------

  /**
   * The active pods on the server that {@code rs} controls, counted here without the controller's
   * helpers: neither Succeeded nor Failed, not being deleted, a controller reference with its UID.
   */
  List<Pod> activePodsOf(String rs) {
    String uid = "uid-" + rs;
    return serverPods.values().stream()
        .filter(p -> p.getMetadata().getDeletionTimestamp() == null)
        .filter(
            p ->
                p.getStatus() == null
                    || !List.of("Succeeded", "Failed").contains(p.getStatus().getPhase()))
        .filter(
            p ->
                p.getMetadata().getOwnerReferences().stream()
                    .anyMatch(
                        o -> Boolean.TRUE.equals(o.getController()) && uid.equals(o.getUid())))
        .toList();
  }
}
