package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.cache.SchedulerCache;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.function.BiFunction;

/**
 * One random change to a cluster, applied to a cache and to the test's own maps of nodes and pods
 * (the oracle's input): a node added (its name often one a removed node had, so ghosts come back),
 * relabelled or removed (its pods stay, as after an informer's node delete); a pod added, changed
 * or removed. The index property tests share it; what a node, a new pod and a changed pod look like
 * is theirs.
 *
 * @param node makes a node of the given name
 * @param pod makes a pod of the given name on the given node
 * @param changed changes a placed pod (labels, a deletion timestamp)
 */
record RandomClusterChanges(
    BiFunction<String, Random, Node> node, PodMaker pod, BiFunction<Pod, Random, Pod> changed) {

  /** Makes a pod: its name, its node. */
  interface PodMaker {
    Pod make(Random random, String name, String nodeName);
  }

  void apply(
      Random random, SchedulerCache cache, Map<String, Node> nodes, Map<String, Pod> pods, int n) {
    int op = random.nextInt(10);
    if (nodes.isEmpty() || op == 0) {
      String name = "node-" + random.nextInt(8);
      Node added = node.apply(nodes.containsKey(name) ? "node-x" + n : name, random);
      nodes.put(added.getMetadata().getName(), added);
      cache.addNode(added);
    } else if (op == 1) {
      Node old = pick(random, List.copyOf(nodes.values()));
      Node moved = node.apply(old.getMetadata().getName(), random);
      nodes.put(moved.getMetadata().getName(), moved);
      cache.updateNode(old, moved);
    } else if (op == 2 && nodes.size() > 1) {
      Node gone = pick(random, List.copyOf(nodes.values()));
      nodes.remove(gone.getMetadata().getName());
      cache.removeNode(gone);
    } else if (op <= 5 || pods.isEmpty()) {
      Pod added = pod.make(random, "pod-" + n, pick(random, List.copyOf(nodes.keySet())));
      pods.put(added.getMetadata().getName(), added);
      cache.addPod(added);
    } else if (op <= 7) {
      Pod old = pick(random, List.copyOf(pods.values()));
      Pod updated = changed.apply(old, random);
      pods.put(old.getMetadata().getName(), updated);
      cache.updatePod(old, updated);
    } else {
      Pod gone = pick(random, List.copyOf(pods.values()));
      pods.remove(gone.getMetadata().getName());
      cache.removePod(gone);
    }
  }

  static <T> T pick(Random random, List<T> from) {
    return from.get(random.nextInt(from.size()));
  }
}
