package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.scheduler.algorithm.PodNominator;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * In-memory stand-ins for what {@link SchedulerPreemption} talks to: the API server's pods, the
 * queue's nominations, the framework's waiting pods and the event recorder. Every call is appended
 * to one log, so a test can check the order of the side effects.
 */
final class InMemoryApi
    implements PodPreemptor, NominatingQueue, PodNominator, WaitingPods, EventRecorder {

  record Event(
      String regarding, String related, String type, String reason, String action, String note) {}

  final Map<String, Pod> pods = new LinkedHashMap<>();
  final Map<String, List<Pod>> nominated = new LinkedHashMap<>();
  final List<String> log = new ArrayList<>();
  final List<Event> events = new ArrayList<>();
  final Set<String> failing = new HashSet<>();

  static String key(HasMetadata o) {
    return o.getMetadata().getNamespace() + "/" + o.getMetadata().getName();
  }

  InMemoryApi add(Pod... ps) {
    for (Pod p : ps) {
      pods.put(key(p), p);
    }
    return this;
  }

  /** Makes the call {@code op} (e.g. "delete default/a") throw. */
  InMemoryApi failOn(String op) {
    failing.add(op);
    return this;
  }

  private void call(String op) {
    log.add(op);
    if (failing.contains(op)) {
      throw new IllegalStateException(op + " failed");
    }
  }

  @Override
  public Pod getUpdatedPod(Pod pod) {
    call("get " + key(pod));
    Pod p = pods.get(key(pod));
    if (p == null) {
      throw new IllegalStateException("pods \"" + pod.getMetadata().getName() + "\" not found");
    }
    return new PodBuilder(p).build();
  }

  @Override
  public void deletePod(Pod pod) {
    call("delete " + key(pod));
    pods.remove(key(pod));
  }

  @Override
  public void setNominatedNodeName(Pod pod, String nominatedNodeName) {
    call("nominate " + key(pod) + " " + nominatedNodeName);
    Pod copy = new PodBuilder(pod).build();
    copy.getStatus().setNominatedNodeName(nominatedNodeName);
    pods.put(key(copy), copy);
  }

  @Override
  public void updateNominatedPodForNode(Pod pod, String nodeName) {
    log.add("queue nominate " + key(pod) + " " + nodeName);
    deleteFromQueue(pod);
    nominated.computeIfAbsent(nodeName, k -> new ArrayList<>()).add(pod);
  }

  @Override
  public void deleteNominatedPodIfExists(Pod pod) {
    log.add("queue forget " + key(pod));
    deleteFromQueue(pod);
  }

  private void deleteFromQueue(Pod pod) {
    nominated.values().forEach(l -> l.removeIf(p -> key(p).equals(key(pod))));
  }

  @Override
  public List<Pod> nominatedPodsForNode(String nodeName) {
    return List.copyOf(nominated.getOrDefault(nodeName, List.of()));
  }

  @Override
  public boolean reject(String podUid, String message) {
    log.add("reject " + podUid + " " + message);
    return false;
  }

  @Override
  public void eventf(
      HasMetadata regarding,
      HasMetadata related,
      String eventType,
      String reason,
      String action,
      String note) {
    log.add("event " + key(regarding));
    events.add(
        new Event(
            key(regarding),
            related == null ? null : key(related),
            eventType,
            reason,
            action,
            note));
  }
}
