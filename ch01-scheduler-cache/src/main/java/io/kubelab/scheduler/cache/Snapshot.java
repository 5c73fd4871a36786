package io.kubelab.scheduler.cache;

import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * A point-in-time view of the cluster that one scheduling cycle works on.
 *
 * <p>Upstream: {@code pkg/scheduler/internal/cache/snapshot.go} (v1.18). The cache fills it
 * incrementally with {@link Cache#updateSnapshot}; everything a scheduling cycle reads comes from
 * here, never from the live cache. {@link #list()} is in {@code NodeTree} order, so consecutive
 * nodes spread over zones.
 */
public final class Snapshot {

  final Map<String, NodeInfo> nodeInfoMap = new HashMap<>();
  List<NodeInfo> nodeInfoList = new ArrayList<>();
  List<NodeInfo> havePodsWithAffinityNodeInfoList = new ArrayList<>();
  List<NodeInfo> havePodsWithRequiredAntiAffinityNodeInfoList = new ArrayList<>();
  long generation;
  // Which NodeTree membership the node list reflects; -1 forces the first full build. Not
  // upstream: see SchedulerCache.updateSnapshot.
  long nodeTreeVersion = -1;

  /** How many node changes {@link #changesSince} can replay before older positions expire. */
  static final int CHANGE_LOG_LIMIT = 4096;

  // Not upstream: the names of the nodes whose NodeInfo changed, in order, so that an index kept
  // across cycles (chapter 08's InterPodAffinity and PodTopologySpread) can follow the snapshot by
  // the nodes that changed instead of reading every node in every cycle. The log covers positions
  // [changes - changeLog.size(), changes) and starts over when full.
  private final List<String> changeLog = new ArrayList<>();
  private long changes;

  /** An empty snapshot, to be filled by {@link Cache#updateSnapshot}. */
  public Snapshot() {}

  /**
   * A snapshot built directly from pods and nodes (upstream's {@code NewSnapshot}, for tests and
   * one-shot what-if questions). Pods are placed by {@code spec.nodeName}; pods of unknown nodes
   * are kept in NodeInfos without a node, which {@link #get} does not return (upstream lists them
   * too; we leave them out, as {@code UpdateSnapshot} does). The list follows the order of {@code
   * nodes}. Image summaries count the nodes of {@code nodes} that have each image.
   */
  public static Snapshot of(List<Pod> pods, List<Node> nodes) {
    Snapshot s = new Snapshot();
    Map<String, NodeInfo> byName = new LinkedHashMap<>();
    for (Node n : nodes) {
      NodeInfo ni = new NodeInfo();
      ni.setNode(n);
      byName.put(n.getMetadata().getName(), ni);
    }
    for (Pod p : pods) {
      String nodeName = p.getSpec() == null ? null : p.getSpec().getNodeName();
      if (nodeName == null || nodeName.isEmpty()) {
        continue;
      }
      byName.computeIfAbsent(nodeName, k -> new NodeInfo()).addPod(p);
    }
    // Upstream's createImageExistenceMap: image name → the nodes that have it, over all nodes.
    Map<String, Set<String>> imageNodes = new HashMap<>();
    for (Node n : nodes) {
      for (ContainerImage image : images(n)) {
        for (String name : image.getNames() == null ? List.<String>of() : image.getNames()) {
          imageNodes.computeIfAbsent(name, k -> new HashSet<>()).add(n.getMetadata().getName());
        }
      }
    }
    for (Node n : nodes) {
      Map<String, ImageStateSummary> summaries = new HashMap<>();
      for (ContainerImage image : images(n)) {
        long size = image.getSizeBytes() == null ? 0 : image.getSizeBytes();
        for (String name : image.getNames() == null ? List.<String>of() : image.getNames()) {
          summaries.put(name, new ImageStateSummary(size, imageNodes.get(name).size()));
        }
      }
      byName.get(n.getMetadata().getName()).setImageStates(summaries);
    }
    for (NodeInfo ni : byName.values()) {
      if (ni.node() != null) {
        s.nodeInfoList.add(ni);
        if (!ni.podsWithAffinity().isEmpty()) {
          s.havePodsWithAffinityNodeInfoList.add(ni);
        }
        if (!ni.podsWithRequiredAntiAffinity().isEmpty()) {
          s.havePodsWithRequiredAntiAffinityNodeInfoList.add(ni);
        }
      }
    }
    s.nodeInfoMap.putAll(byName);
    return s;
  }

  private static List<ContainerImage> images(Node n) {
    return n.getStatus() == null || n.getStatus().getImages() == null
        ? List.of()
        : n.getStatus().getImages();
  }

  /** The number of nodes in {@link #list()}. */
  public int numNodes() {
    return nodeInfoList.size();
  }

  /** Every node, in NodeTree (zone round-robin) order. */
  public List<NodeInfo> list() {
    return Collections.unmodifiableList(nodeInfoList);
  }

  /** The nodes that run at least one pod with (anti-)affinity. */
  public List<NodeInfo> havePodsWithAffinityList() {
    return Collections.unmodifiableList(havePodsWithAffinityNodeInfoList);
  }

  /** The nodes that run at least one pod with required anti-affinity. */
  public List<NodeInfo> havePodsWithRequiredAntiAffinityList() {
    return Collections.unmodifiableList(havePodsWithRequiredAntiAffinityNodeInfoList);
  }

  /**
   * The NodeInfo of a node.
   *
   * @throws Cache.CacheException {@code nodeinfo not found for node name "x"} when absent or when
   *     the node was removed
   */
  public NodeInfo get(String nodeName) {
    NodeInfo ni = nodeInfoMap.get(nodeName);
    if (ni == null || ni.node() == null) {
      throw new Cache.CacheException("nodeinfo not found for node name \"" + nodeName + "\"");
    }
    return ni;
  }

  /**
   * The position after the newest recorded change: the cursor a reader that has just read the whole
   * snapshot keeps, to ask {@link #changesSince} later.
   */
  public long changePosition() {
    return changes;
  }

  /**
   * Replays the names of the nodes whose NodeInfo was added, changed or dropped since {@code
   * position} (a name may come more than once), oldest first.
   *
   * @return false, replaying nothing, when the log no longer reaches back to {@code position} (the
   *     reader must read the whole snapshot again)
   */
  public boolean changesSince(long position, Consumer<String> action) {
    long start = changes - changeLog.size();
    if (position < start || position > changes) {
      return false;
    }
    for (int i = (int) (position - start); i < changeLog.size(); i++) {
      action.accept(changeLog.get(i));
    }
    return true;
  }

  /** Records that the NodeInfo of {@code nodeName} was added, changed or dropped. */
  void recordChange(String nodeName) {
    if (changeLog.size() == CHANGE_LOG_LIMIT) {
      changeLog.clear(); // older positions expire; their readers start over
    }
    changeLog.add(nodeName);
    changes++;
  }

  /** The generation of the newest NodeInfo this snapshot has seen. */
  public long generation() {
    return generation;
  }
}
