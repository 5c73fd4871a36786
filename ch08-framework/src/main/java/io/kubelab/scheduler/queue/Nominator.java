package io.kubelab.scheduler.queue;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Which pending pods preemption has nominated to run on which node.
 *
 * <p>Upstream: {@code nominatedPodMap} in {@code scheduling_queue.go} (v1.18): {@code
 * nominatedPods} (node name to pods) and {@code nominatedPodToNode} (pod UID to node name). Writes
 * are made under the {@link PriorityQueue}'s lock; {@link #isEmpty} and {@link #podsForNode} read
 * without it.
 */
final class Nominator {

  // Each node's pods as an unmodifiable list that a write replaces, never changes: the filters read
  // a node's list for every node in every cycle, from several threads, with no lock and no copy.
  private final Map<String, List<Pod>> nominatedPods = new ConcurrentHashMap<>();
  private final Map<String, String> nominatedPodToNode = new HashMap<>();
  // How many pods are nominated, written under the queue's lock and readable without it.
  private volatile int size;

  /**
   * Whether no pod is nominated to any node, read without the queue's lock: the filters ask for
   * every node's nominated pods in every cycle, from several threads, and nearly always there are
   * none. A nomination racing with the read is seen or not, as it would be if the read took the
   * lock just before or after it.
   */
  boolean isEmpty() {
    return size == 0;
  }

  /**
   * {@code add}: records {@code pod} on {@code nodeName}, or, when that is empty, on the node its
   * status names; with neither, the pod is only forgotten. Any earlier entry of the pod goes first,
   * so a pod is never held twice.
   *
   * <p>Readers do not take the queue's lock, so each node's list is published whole: the pod's new
   * list goes in before the pod leaves its old node, and the count is written once. A reader sees
   * the pod where it was or where it is, never nowhere, as upstream's readers, which take the read
   * lock, see it before or after the write.
   */
  void add(Pod pod, String nodeName) {
    String node =
        nodeName == null || nodeName.isEmpty() ? PodKeys.nominatedNodeName(pod) : nodeName;
    if (node.isEmpty()) {
      delete(pod);
      return;
    }
    String uid = PodKeys.uid(pod);
    // Upstream deletes the pod's entry, then scans the node's list for the UID and logs "already
    // exists in the nominated map"; here the earlier entry is left out of the new list instead.
    nominatedPods.put(node, without(nominatedPods.get(node), uid, pod));
    String old = nominatedPodToNode.put(uid, node);
    if (old != null && !old.equals(node)) {
      removeFrom(old, uid);
    }
    size = nominatedPodToNode.size();
  }

  /** {@code delete}: forgets the pod's nomination, by UID. */
  void delete(Pod pod) {
    String uid = PodKeys.uid(pod);
    String node = nominatedPodToNode.remove(uid);
    if (node == null) {
      return;
    }
    removeFrom(node, uid);
    size = nominatedPodToNode.size();
  }

  private void removeFrom(String node, String uid) {
    List<Pod> pods = without(nominatedPods.get(node), uid, null);
    if (pods.isEmpty()) {
      nominatedPods.remove(node);
    } else {
      nominatedPods.put(node, pods);
    }
  }

  /** {@code pods} without the pod {@code uid}, then {@code last} if not null: a new list. */
  private static List<Pod> without(List<Pod> pods, String uid, Pod last) {
    List<Pod> out = new ArrayList<>(pods == null ? 1 : pods.size() + 1);
    if (pods != null) {
      for (Pod p : pods) {
        if (!PodKeys.uid(p).equals(uid)) {
          out.add(p);
        }
      }
    }
    if (last != null) {
      out.add(last);
    }
    return Collections.unmodifiableList(out);
  }

  /**
   * {@code update}: replaces the old pod object by the new one. When neither carries a nominated
   * node but one is held in memory, that node is kept: preemption records the nomination here
   * before it writes {@code status.nominatedNodeName}, so an informer update that arrives in
   * between (with the field still empty) must not erase it.
   */
  void update(Pod oldPod, Pod newPod) {
    String node = "";
    if (PodKeys.nominatedNodeName(oldPod).isEmpty()
        && PodKeys.nominatedNodeName(newPod).isEmpty()) {
      node = nominatedPodToNode.getOrDefault(PodKeys.uid(oldPod), "");
    }
    if (!PodKeys.uid(oldPod).equals(PodKeys.uid(newPod))) {
      delete(oldPod);
    }
    // The same pod: add replaces its entry in one write (see add).
    add(newPod, node);
  }

  /**
   * {@code podsForNode}: the pods nominated to the node, in nomination order; an unmodifiable list
   * that later nominations do not change.
   */
  List<Pod> podsForNode(String nodeName) {
    return nominatedPods.getOrDefault(nodeName, List.of());
  }
}
