package io.kubelab.cluster.controller.deployment;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.DeploymentBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetStatusBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.cluster.controller.ApiStatusException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * A server for the Deployment controller whose informers keep up at once (each write is handed to
 * the controller's handlers as it happens), and, standing in for the ReplicaSet controller and the
 * kubelets, {@link #podsCatchUp}: every ReplicaSet gets as many pods as it asks for, available or
 * not as the test says. Records the events and the ReplicaSet writes.
 */
final class FakeApps implements DeploymentController.Cache, DeploymentController.Client {

  static final String NS = "default";

  final FakeClock clock = new FakeClock();
  final Map<String, Deployment> deployments = new TreeMap<>();
  final Map<String, ReplicaSet> replicaSets = new TreeMap<>();
  final List<String> events = new ArrayList<>();
  final List<String> rsWrites = new ArrayList<>();
  final List<Pod> pods = new ArrayList<>();
  boolean clampOnScaleDown = true; // false: a ReplicaSet's status lags its scale-down
  RuntimeException
      createFailure; // thrown by every ReplicaSet creation while set // the pods the informer lists
  // (none unless a test adds)
  final DeploymentController controller = new DeploymentController(this, this, clock);
  private long rv;
  private int uid;

  private String nextRv() {
    return String.valueOf(++rv);
  }

  // ---- the cache ----------------------------------------------------------------------------

  @Override
  public Deployment deployment(String namespace, String name) {
    return deployments.get(name);
  }

  @Override
  public List<Deployment> deployments(String namespace) {
    return List.copyOf(deployments.values());
  }

  @Override
  public List<ReplicaSet> replicaSets(String namespace) {
    return List.copyOf(replicaSets.values());
  }

  @Override
  public List<Pod> pods(String namespace) {
    return List.copyOf(pods);
  }

  // ---- writes ---------------------------------------------------------------------------------

  /** A user's create or update of a Deployment (generation counts spec changes). */
  void putDeployment(Deployment d) {
    Deployment old = deployments.get(d.getMetadata().getName());
    Deployment stored =
        new DeploymentBuilder(d).editMetadata().withResourceVersion(nextRv()).endMetadata().build();
    if (old == null) {
      stored.getMetadata().setUid("uid-" + d.getMetadata().getName());
      stored.getMetadata().setGeneration(1L);
      stored.getMetadata().setCreationTimestamp(clock.now().toString());
    } else {
      long g = old.getMetadata().getGeneration();
      stored.getMetadata().setGeneration(old.getSpec().equals(stored.getSpec()) ? g : g + 1);
      stored.setStatus(old.getStatus());
    }
    deployments.put(stored.getMetadata().getName(), stored);
    if (old == null) {
      controller.addDeployment(stored);
    } else {
      controller.updateDeployment(old, stored);
    }
  }

  void putReplicaSet(ReplicaSet rs) {
    ReplicaSet old = replicaSets.get(rs.getMetadata().getName());
    ReplicaSet stored =
        new ReplicaSetBuilder(rs)
            .editMetadata()
            .withResourceVersion(nextRv())
            .endMetadata()
            .build();
    if (old == null) {
      if (stored.getMetadata().getUid() == null) {
        stored.getMetadata().setUid("rs-uid-" + ++uid);
      }
      if (stored.getMetadata().getCreationTimestamp() == null) {
        stored.getMetadata().setCreationTimestamp(clock.now().toString());
      }
      stored.getMetadata().setGeneration(1L);
    } else {
      long g = old.getMetadata().getGeneration();
      stored.getMetadata().setGeneration(old.getSpec().equals(stored.getSpec()) ? g : g + 1);
    }
    replicaSets.put(stored.getMetadata().getName(), stored);
    if (old == null) {
      controller.addReplicaSet(stored);
    } else {
      controller.updateReplicaSet(old, stored);
    }
  }

  /**
   * The ReplicaSet controller and the kubelets, caught up: each ReplicaSet has {@code
   * spec.replicas} pods; they are all available when {@code available}, else only those that
   * already were (as many as still exist).
   */
  void podsCatchUp(boolean available) {
    for (ReplicaSet rs : List.copyOf(replicaSets.values())) {
      int want = rs.getSpec().getReplicas();
      int was =
          rs.getStatus() == null || rs.getStatus().getAvailableReplicas() == null
              ? 0
              : rs.getStatus().getAvailableReplicas();
      int avail = available ? want : Math.min(was, want);
      var status =
          new ReplicaSetStatusBuilder()
              .withReplicas(want)
              .withFullyLabeledReplicas(want)
              .withReadyReplicas(avail)
              .withAvailableReplicas(avail)
              .withObservedGeneration(rs.getMetadata().getGeneration())
              .build();
      if (!status.equals(rs.getStatus())) {
        putReplicaSet(new ReplicaSetBuilder(rs).withStatus(status).build());
      }
    }
  }

  /** Runs the controller until its queue is empty (at most 100 syncs). */
  void sync() throws InterruptedException {
    for (int i = 0; i < 100 && controller.queue().len() > 0; i++) {
      controller.processNextWorkItem(Duration.ZERO);
    }
  }

  // ---- the client --------------------------------------------------------------------------

  @Override
  public Deployment getDeployment(String namespace, String name) {
    Deployment d = deployments.get(name);
    if (d == null) {
      throw ApiStatusException.notFound("deployments.apps \"" + name + "\" not found");
    }
    return d;
  }

  @Override
  public Deployment updateDeploymentStatus(Deployment d) {
    Deployment old = deployments.get(d.getMetadata().getName());
    if (java.util.Objects.equals(old.getStatus(), d.getStatus())
        && java.util.Objects.equals(
            old.getMetadata().getAnnotations(), d.getMetadata().getAnnotations())) {
      return old; // as the server, which skips a write that changes nothing (and sends no event)
    }
    // the status subresource: status, labels and annotations from the request, the rest stored
    Deployment stored =
        new DeploymentBuilder(old)
            .editMetadata()
            .withResourceVersion(nextRv())
            .withAnnotations(d.getMetadata().getAnnotations())
            .endMetadata()
            .withStatus(d.getStatus())
            .build();
    deployments.put(stored.getMetadata().getName(), stored);
    controller.updateDeployment(old, stored);
    return stored;
  }

  @Override
  public ReplicaSet createReplicaSet(ReplicaSet rs) {
    if (createFailure != null) {
      throw createFailure;
    }
    if (replicaSets.containsKey(rs.getMetadata().getName())) {
      throw new ApiStatusException(
          409,
          "AlreadyExists",
          "replicasets.apps \"" + rs.getMetadata().getName() + "\" already exists",
          false);
    }
    rsWrites.add("create " + rs.getMetadata().getName() + " " + rs.getSpec().getReplicas());
    putReplicaSet(rs);
    return replicaSets.get(rs.getMetadata().getName());
  }

  @Override
  public ReplicaSet updateReplicaSet(ReplicaSet rs) {
    rsWrites.add("update " + rs.getMetadata().getName() + " " + rs.getSpec().getReplicas());
    int want = rs.getSpec().getReplicas();
    if (rs.getStatus() != null
        && rs.getStatus().getReplicas() != null
        && rs.getStatus().getReplicas() > want) {
      // scaled down: the surplus pods go at once, the unavailable ones first (as the ReplicaSet
      // controller ranks them), so the status never claims more than is left
      rs =
          new ReplicaSetBuilder(rs)
              .editStatus()
              .withReplicas(want)
              .withFullyLabeledReplicas(want)
              .withReadyReplicas(Math.min(want, rs.getStatus().getReadyReplicas()))
              .withAvailableReplicas(Math.min(want, rs.getStatus().getAvailableReplicas()))
              .endStatus()
              .build();
    }
    putReplicaSet(rs);
    return replicaSets.get(rs.getMetadata().getName());
  }

  @Override
  public void deleteReplicaSet(String namespace, String name) {
    ReplicaSet gone = replicaSets.remove(name);
    if (gone == null) {
      throw ApiStatusException.notFound("replicasets.apps \"" + name + "\" not found");
    }
    rsWrites.add("delete " + name);
    controller.deleteReplicaSet(gone);
  }

  @Override
  public void patchReplicaSet(String namespace, String name, String patch) {
    rsWrites.add("patch " + name + " " + patch);
  }

  @Override
  public void event(Deployment d, String type, String reason, String message) {
    events.add(type + " " + reason + " " + message);
  }
}
