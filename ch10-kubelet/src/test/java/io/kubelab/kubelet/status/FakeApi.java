package io.kubelab.kubelet.status;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Random;

/**
 * An API server holding pods by name that can fail GETs and PATCHes with a given probability. It is
 * also the kubelet's pod manager (its view is the API's). Records every accepted status write.
 */
final class FakeApi implements PodStatusClient, PodManager {
  final Map<String, Pod> pods = new HashMap<>();
  final List<PodStatus> writes = new ArrayList<>();
  final List<String> deletes = new ArrayList<>();
  Random random = new Random(0);
  double failureRate;
  int calls;
  Runnable onWrite = () -> {};

  synchronized void create(Pod pod) {
    pods.put(pod.getMetadata().getName(), pod);
  }

  private void maybeFail(String what) throws ApiException {
    calls++;
    if (failureRate > 0 && random.nextDouble() < failureRate) {
      throw random.nextBoolean()
          ? new ApiException(Reason.CONFLICT, what + ": the object has been modified")
          : new ApiException(Reason.TRANSIENT, what + ": connection reset");
    }
  }

  @Override
  public synchronized Pod get(String namespace, String name) throws ApiException {
    maybeFail("get " + name);
    Pod p = pods.get(name);
    if (p == null) {
      throw new ApiException(Reason.NOT_FOUND, "pods \"" + name + "\" not found");
    }
    return new PodBuilder(p).build();
  }

  @Override
  public synchronized Pod patchStatus(
      String namespace, String name, String uid, PodStatus oldStatus, PodStatus newStatus)
      throws ApiException {
    maybeFail("patch " + name);
    Pod p = pods.get(name);
    if (p == null || !p.getMetadata().getUid().equals(uid)) {
      throw new ApiException(Reason.CONFLICT, "Precondition failed: UID in precondition: " + uid);
    }
    Pod updated = new PodBuilder(p).withStatus(StatusManager.copy(newStatus)).build();
    pods.put(name, updated);
    writes.add(StatusManager.copy(newStatus));
    onWrite.run();
    return new PodBuilder(updated).build();
  }

  @Override
  public synchronized void delete(String namespace, String name, String uid) throws ApiException {
    maybeFail("delete " + name);
    pods.remove(name);
    deletes.add(name);
  }

  @Override
  public synchronized Optional<Pod> getPodByUid(String uid) {
    return pods.values().stream()
        .filter(p -> uid.equals(p.getMetadata().getUid()))
        .findFirst()
        .map(p -> new PodBuilder(p).build());
  }
}
