package io.kubelab.kubelet;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.config.PodSource;
import io.kubelab.kubelet.config.PodUpdate;
import io.kubelab.kubelet.events.Event;
import io.kubelab.kubelet.events.EventSink;
import io.kubelab.kubelet.status.PodStatusClient;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The API server as one kubelet sees it: the pods bound to its node, which it watches as upstream's
 * {@code PodConfig} classifies changes (a new pod is an ADD, a deletion timestamp a DELETE, a spec
 * change an UPDATE, a status-only change a RECONCILE, a pod gone a REMOVE), and the status client.
 * Also the event sink. Thread-safe; the watcher is called outside the lock.
 */
final class FakeCluster implements PodSource, PodStatusClient, EventSink {

  private final Clock clock;
  private final Map<String, Pod> pods = new LinkedHashMap<>();
  private final List<Event> events = new ArrayList<>();
  private final List<String> deleted = new ArrayList<>();
  private final Map<String, List<PodStatus>> writes = new LinkedHashMap<>();
  private Consumer<PodUpdate> watcher;
  private int patches;

  FakeCluster(Clock clock) {
    this.clock = clock;
  }

  // ---- what a user (or the control plane) does

  void create(Pod pod) {
    synchronized (this) {
      pods.put(key(pod), new PodBuilder(pod).build());
    }
    send(PodUpdate.Op.ADD, pod);
  }

  /** Spec changes: an UPDATE. */
  void update(Pod pod) {
    synchronized (this) {
      pods.put(key(pod), new PodBuilder(pod).build());
    }
    send(PodUpdate.Op.UPDATE, pod);
  }

  /**
   * Another controller sets a pod condition (a readiness gate's): a status-only change, which the
   * kubelet's config source delivers as a RECONCILE.
   */
  void setCondition(String name, String type, String status) {
    Pod p;
    synchronized (this) {
      p = new PodBuilder(pods.get("default/" + name)).build();
      p.getStatus().getConditions().removeIf(c -> c.getType().equals(type));
      p.getStatus()
          .getConditions()
          .add(
              new io.fabric8.kubernetes.api.model.PodConditionBuilder()
                  .withType(type)
                  .withStatus(status)
                  .build());
      pods.put(key(p), p);
    }
    send(PodUpdate.Op.RECONCILE, p);
  }

  /** A graceful delete: the API server sets the deletion timestamp and grace period. */
  void delete(String name, long gracePeriodSeconds) {
    Pod p;
    synchronized (this) {
      Pod current = pods.get("default/" + name);
      p =
          new PodBuilder(current)
              .editMetadata()
              .withDeletionTimestamp(Fixtures.timestamp(clock.now()))
              .withDeletionGracePeriodSeconds(gracePeriodSeconds)
              .endMetadata()
              .build();
      pods.put(key(p), p);
    }
    send(PodUpdate.Op.DELETE, p);
  }

  // ---- PodSource

  @Override
  public AutoCloseable watch(Consumer<PodUpdate> updates) {
    List<Pod> initial;
    synchronized (this) {
      watcher = updates;
      initial = List.copyOf(pods.values());
    }
    if (!initial.isEmpty()) {
      updates.accept(new PodUpdate(PodUpdate.Op.ADD, initial, PodUpdate.API_SOURCE));
    }
    return () -> {
      synchronized (this) {
        watcher = null;
      }
    };
  }

  private void send(PodUpdate.Op op, Pod pod) {
    Consumer<PodUpdate> w;
    synchronized (this) {
      w = watcher;
    }
    if (w != null) {
      w.accept(new PodUpdate(op, List.of(new PodBuilder(pod).build()), PodUpdate.API_SOURCE));
    }
  }

  // ---- PodStatusClient

  @Override
  public synchronized Pod get(String namespace, String name) throws ApiException {
    Pod p = pods.get(namespace + "/" + name);
    if (p == null) {
      throw new ApiException(Reason.NOT_FOUND, "pods \"" + name + "\" not found");
    }
    return new PodBuilder(p).build();
  }

  @Override
  public Pod patchStatus(
      String namespace, String name, String uid, PodStatus oldStatus, PodStatus newStatus)
      throws ApiException {
    Pod updated;
    synchronized (this) {
      Pod p = pods.get(namespace + "/" + name);
      if (p == null) {
        throw new ApiException(Reason.NOT_FOUND, "pods \"" + name + "\" not found");
      }
      if (!p.getMetadata().getUid().equals(uid)) {
        throw new ApiException(Reason.CONFLICT, "Precondition failed: UID in precondition: " + uid);
      }
      updated =
          new PodBuilder(p)
              .withStatus(new io.fabric8.kubernetes.api.model.PodStatusBuilder(newStatus).build())
              .build();
      pods.put(key(updated), updated);
      patches++;
      writes.computeIfAbsent(name, n -> new ArrayList<>()).add(updated.getStatus());
    }
    send(PodUpdate.Op.RECONCILE, updated);
    return new PodBuilder(updated).build();
  }

  @Override
  public void delete(String namespace, String name, String uid) throws ApiException {
    Pod p;
    synchronized (this) {
      p = pods.get(namespace + "/" + name);
      if (p == null) {
        throw new ApiException(Reason.NOT_FOUND, "pods \"" + name + "\" not found");
      }
      if (!p.getMetadata().getUid().equals(uid)) {
        throw new ApiException(Reason.CONFLICT, "Precondition failed: UID in precondition: " + uid);
      }
      pods.remove(namespace + "/" + name);
      deleted.add(name);
    }
    send(PodUpdate.Op.REMOVE, p);
  }

  // ---- EventSink

  @Override
  public synchronized void record(Event event) {
    events.add(event);
  }

  // ---- inspection

  synchronized Pod pod(String name) {
    Pod p = pods.get("default/" + name);
    return p == null ? null : new PodBuilder(p).build();
  }

  synchronized String phase(String name) {
    Pod p = pods.get("default/" + name);
    return p == null || p.getStatus() == null ? null : p.getStatus().getPhase();
  }

  synchronized List<String> deleted() {
    return List.copyOf(deleted);
  }

  /** Every status written for the pod named {@code name}, in order. */
  synchronized List<PodStatus> writes(String name) {
    return List.copyOf(writes.getOrDefault(name, List.of()));
  }

  synchronized int patches() {
    return patches;
  }

  synchronized List<Event> events() {
    return List.copyOf(events);
  }

  /** The events with {@code reason}, as "name: message". */
  synchronized List<String> events(String reason) {
    List<String> out = new ArrayList<>();
    for (Event e : events) {
      if (e.reason().equals(reason)) {
        out.add(e.name() + ": " + e.message());
      }
    }
    return out;
  }

  private static String key(Pod p) {
    return p.getMetadata().getNamespace() + "/" + p.getMetadata().getName();
  }
}
