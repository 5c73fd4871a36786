package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.labels.Requirement;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.IntConsumer;
import java.util.function.Predicate;

/**
 * The cluster's pods as small integers, so that counting the pods a selector matches on thousands
 * of nodes does not walk every pod object in every scheduling cycle.
 *
 * <p>Upstream has no such index: {@code countMatchingPods} and {@code buildPodTopologySpreadMap}
 * match every existing pod of every node against the selector, once per cycle. The outcome here is
 * the same, by a different road. Every count the spreading priorities take depends on a pod only
 * through its namespace, whether it is being deleted, and its labels; pods alike in those three are
 * one {@link PodClass}. Each node's pods are kept as an array of class ids, rebuilt only when the
 * node's {@link NodeInfo#generation()} changes (chapter 01: every change to a NodeInfo takes a new
 * generation from one global counter, a clone's from a block of it, so no two states share one, and
 * a snapshot's clone carries its original's). A cycle then asks the selector once per class and
 * sums small arrays per node.
 *
 * <p>The nodes' labels are numbered too: each label key, and each value per key, gets a small
 * integer, and an entry keeps its node's labels as two int arrays. EvenPodsSpread's topology pairs
 * are then (key number, value number) and their counts live in arrays, not in maps keyed by
 * strings.
 *
 * <p>A cycle finds its nodes' entries by position: a node whose NodeInfo (the same object) was in
 * the previous cycle's list at the same generation takes that cycle's entry without hashing its
 * name; only the others are looked up by name, and only the changed ones rebuilt. The map functions
 * find a NodeInfo's position in the view through {@link NodePositions}.
 *
 * <p>One index belongs to one metadata part of one scheduler and lives across cycles. It forgets
 * everything when it has grown to far more classes than pods, more label values than the nodes
 * have, or more nodes than the cluster has (labels that change with every rollout, nodes that came
 * and went), and rebuilds on the next cycle. A {@link View} taken for one cycle stays valid
 * whatever happens to the index afterwards.
 */
final class PodClassIndex {

  /** Below this many classes or nodes the index is never reset: small clusters keep theirs. */
  static final int MIN_RESET_SIZE = 1024;

  /**
   * From this many nodes on, a refresh looks up the unchanged entries on the scheduler's workers;
   * below it handing out the pieces costs more than the lookups.
   */
  static final int PARALLEL_MIN_NODES = 1000;

  /**
   * A pod as spreading sees it.
   *
   * @param namespace {@link SelectorSpread#namespace}: "" when unset
   * @param terminating the pod has a deletion timestamp
   * @param labels its labels, copied (never null)
   */
  record PodClass(String namespace, boolean terminating, Map<String, String> labels) {}

  /**
   * One node's pods as class ids, valid for one generation of its NodeInfo.
   *
   * @param nodeName the node
   * @param generation the NodeInfo's generation the ids were taken at
   * @param classIds one id per pod, in the NodeInfo's pod order
   * @param zone the node's zone ({@link Zones#getZoneKey}) as an index into the view's zones, -1
   *     for none
   * @param node the Node object the labels were read from
   * @param labelKeys the node's label keys, numbered ({@link View#keyId})
   * @param labelValues the value of each of those keys, numbered per key ({@link #domain})
   */
  record NodeEntry(
      String nodeName,
      long generation,
      int[] classIds,
      int zone,
      Node node,
      int[] labelKeys,
      int[] labelValues) {

    /** The number of this node's value for the label key numbered {@code keyId}; -1 without. */
    int domain(int keyId) {
      for (int k = 0; k < labelKeys.length; k++) {
        if (labelKeys[k] == keyId) {
          return labelValues[k];
        }
      }
      return -1;
    }
  }

  /** Everything one reset of the index holds; never changed after a reset replaces it. */
  private static final class State {
    final Map<PodClass, Integer> ids = new HashMap<>();
    // Append-only; a view reads the array it was given up to its own length, so no copy is made.
    PodClass[] classes = new PodClass[64];
    int classCount;
    // Inverted: the classes that have a label key, and those with a key and (non-null) value.
    final Map<String, IntList> withKey = new HashMap<>();
    final Map<String, Map<String, IntList>> withLabel = new HashMap<>();
    final Map<String, NodeEntry> byNode = new HashMap<>();
    final Map<String, Integer> zoneIds = new HashMap<>();
    final List<String> zones = new ArrayList<>();
    // Node labels: key → number; per key number, value → number and the values in order.
    final Map<String, Integer> labelKeyIds = new HashMap<>();
    final List<Map<String, Integer>> labelValueIds = new ArrayList<>();
    final List<List<String>> labelValues = new ArrayList<>();
    long podsIndexed;
    long labelsIndexed;
    long labelValuesNumbered;
  }

  private final int minResetSize;
  private State state = new State();
  // The previous cycle's view: its entries are found again by position, without hashing names.
  private View last;
  private int resets;

  PodClassIndex() {
    this(MIN_RESET_SIZE);
  }

  /**
   * An index that may reset from {@code minResetSize} classes or nodes on (tests use small ones).
   */
  PodClassIndex(int minResetSize) {
    this.minResetSize = minResetSize;
  }

  /**
   * Brings the entries of {@code nodes} up to date and returns what one cycle reads.
   *
   * @param nodes the nodes the cycle will count on (NodeInfos without a node are skipped)
   * @param clusterSize the number of nodes of the snapshot, to bound the index
   */
  View refresh(List<NodeInfo> nodes, int clusterSize) {
    return refresh(nodes, clusterSize, null);
  }

  /**
   * {@link #refresh(List, int)}, looking up the unchanged entries on {@code workers} (the
   * scheduler's, or null for the calling thread alone). Entries are rebuilt on the calling thread.
   */
  View refresh(List<NodeInfo> nodes, int clusterSize, Parallelizer workers) {
    return refresh(nodes, clusterSize, workers, List.of());
  }

  /**
   * {@link #refresh(List, int, Parallelizer)}, with each node's value of every label key in {@code
   * keys} as a column of value numbers ({@link View#domains}).
   */
  synchronized View refresh(
      List<NodeInfo> nodes, int clusterSize, Parallelizer workers, List<String> keys) {
    State s = state;
    if (s.byNode.size() > Math.max(minResetSize, 2L * clusterSize)
        || s.classCount > Math.max(minResetSize, 2 * s.podsIndexed)
        || s.labelValuesNumbered > Math.max(minResetSize, 2 * s.labelsIndexed)) {
      s = new State();
      state = s;
      last = null;
      resets++;
    }
    int n = nodes.size();
    NodeEntry[] entries = new NodeEntry[n];
    long[] generations = new long[n];
    View previous = last;
    // The same NodeInfos in the same order as the previous cycle (the scheduler's snapshot updates
    // its NodeInfos in place): its entries are found by position, its columns copied for the
    // unchanged nodes, and its position table reused.
    boolean sameNodes = previous != null && previous.hasNodes(nodes);
    if (previous != null) {
      // Read-only: the previous view is immutable, so the workers may share it.
      IntConsumer find =
          sameNodes
              ? i -> {
                NodeInfo ni = nodes.get(i);
                long g = ni.generation();
                if (previous.generations[i] == g && previous.entries[i] != null) {
                  entries[i] = previous.entries[i];
                  generations[i] = g;
                }
              }
              : i -> {
                NodeInfo ni = nodes.get(i);
                NodeEntry e = previous.entry(ni);
                if (e != null) {
                  entries[i] = e;
                  generations[i] = ni.generation();
                }
              };
      if (workers != null && workers.workers() > 1 && n >= PARALLEL_MIN_NODES) {
        workers.until(null, n, find);
      } else {
        for (int i = 0; i < n; i++) {
          find.accept(i);
        }
      }
    }
    for (int i = 0; i < n; i++) {
      if (entries[i] != null) {
        continue;
      }
      NodeInfo ni = nodes.get(i);
      if (ni.node() == null) {
        continue;
      }
      NodeEntry e = s.byNode.get(ni.nodeName());
      if (e == null || e.generation() != ni.generation()) {
        NodeEntry fresh = entry(s, ni, e);
        s.podsIndexed += fresh.classIds().length - (e == null ? 0 : e.classIds().length);
        s.labelsIndexed += fresh.labelKeys().length - (e == null ? 0 : e.labelKeys().length);
        s.byNode.put(ni.nodeName(), fresh);
        e = fresh;
      }
      entries[i] = e;
      generations[i] = e.generation();
    }
    // Columns: names and zones by position, and the value numbers of the keys asked for. An
    // entry that is the previous cycle's at the same position has the previous cycle's values.
    View same = sameNodes ? previous : null;
    String[] names = new String[n];
    int[] zones = new int[n];
    for (int i = 0; i < n; i++) {
      NodeEntry e = entries[i];
      if (e == null) {
        zones[i] = -1;
      } else if (same != null && same.entries[i] == e) {
        names[i] = same.names[i];
        zones[i] = same.zones[i];
      } else {
        names[i] = e.nodeName();
        zones[i] = e.zone();
      }
    }
    Map<String, int[]> domains = new HashMap<>();
    for (String key : keys) {
      Integer keyId = s.labelKeyIds.get(key);
      int[] previousColumn = same == null ? null : same.domains.get(key);
      int[] column = new int[n];
      for (int i = 0; i < n; i++) {
        NodeEntry e = entries[i];
        if (e == null || keyId == null) {
          column[i] = -1;
        } else if (previousColumn != null && same.entries[i] == e) {
          column[i] = previousColumn[i];
        } else {
          column[i] = e.domain(keyId);
        }
      }
      domains.put(key, column);
    }
    View v =
        new View(
            this,
            s,
            s.classes,
            s.classCount,
            entries,
            generations,
            names,
            zones,
            domains,
            List.copyOf(s.zones),
            Collections.unmodifiableList(nodes),
            sameNodes ? previous.positions : new NodePositions(nodes));
    last = v;
    return v;
  }

  /** How many times the index forgot everything. */
  synchronized int resets() {
    return resets;
  }

  private static NodeEntry entry(State s, NodeInfo ni, NodeEntry previous) {
    List<Pod> pods = ni.pods();
    int[] ids = new int[pods.size()];
    for (int i = 0; i < ids.length; i++) {
      Pod p = pods.get(i);
      Map<String, String> labels = p.getMetadata().getLabels();
      PodClass c =
          new PodClass(
              SelectorSpread.namespace(p),
              p.getMetadata().getDeletionTimestamp() != null,
              // A copy: the key must not change under the map.
              labels == null || labels.isEmpty()
                  ? Map.of()
                  : Collections.unmodifiableMap(new HashMap<>(labels)));
      Integer id = s.ids.get(c);
      if (id == null) {
        id = s.classCount;
        if (id == s.classes.length) {
          // A new array: views taken before keep reading the old one.
          s.classes = Arrays.copyOf(s.classes, id * 2);
        }
        s.classes[s.classCount++] = c;
        s.ids.put(c, id);
        for (Map.Entry<String, String> l : c.labels().entrySet()) {
          s.withKey.computeIfAbsent(l.getKey(), k -> new IntList()).add(id);
          if (l.getValue() != null) {
            s.withLabel
                .computeIfAbsent(l.getKey(), k -> new HashMap<>())
                .computeIfAbsent(l.getValue(), v -> new IntList())
                .add(id);
          }
        }
      }
      ids[i] = id;
    }
    Node node = ni.node();
    if (previous != null && previous.node() == node) {
      // The same Node object: its labels and zone are the ones already numbered.
      return new NodeEntry(
          ni.nodeName(),
          ni.generation(),
          ids,
          previous.zone(),
          node,
          previous.labelKeys(),
          previous.labelValues());
    }
    Map<String, String> labels = node.getMetadata() == null ? null : node.getMetadata().getLabels();
    int n = labels == null ? 0 : labels.size();
    int[] keys = new int[n];
    int[] values = new int[n];
    int k = 0;
    if (labels != null) {
      // A null value is a value too: the key is there (containsKey), as the spread map sees it.
      for (Map.Entry<String, String> l : labels.entrySet()) {
        int keyId = labelKeyId(s, l.getKey());
        keys[k] = keyId;
        values[k] = labelValueId(s, keyId, l.getValue());
        k++;
      }
    }
    return new NodeEntry(ni.nodeName(), ni.generation(), ids, zone(s, node), node, keys, values);
  }

  private static int labelKeyId(State s, String key) {
    Integer id = s.labelKeyIds.get(key);
    if (id == null) {
      id = s.labelKeyIds.size();
      s.labelKeyIds.put(key, id);
      s.labelValueIds.add(new HashMap<>());
      s.labelValues.add(new ArrayList<>());
    }
    return id;
  }

  private static int labelValueId(State s, int keyId, String value) {
    Map<String, Integer> ids = s.labelValueIds.get(keyId);
    Integer id = ids.get(value);
    if (id == null) {
      List<String> values = s.labelValues.get(keyId);
      id = values.size();
      values.add(value);
      ids.put(value, id);
      s.labelValuesNumbered++;
    }
    return id;
  }

  private static int zone(State s, Node node) {
    String key = Zones.getZoneKey(node);
    if (key.isEmpty()) {
      return -1;
    }
    Integer id = s.zoneIds.get(key);
    if (id == null) {
      id = s.zones.size();
      s.zones.add(key);
      s.zoneIds.put(key, id);
    }
    return id;
  }

  /**
   * What one cycle reads: the classes known when it began, the entries of its nodes, index for
   * index, where each NodeInfo is, and the zones. Immutable; safe to read from the scheduler's
   * workers.
   */
  static final class View {
    private final PodClassIndex index;
    private final State state;
    private final PodClass[] classes;
    private final int classCount;
    private final NodeEntry[] entries;
    // Columns by position, read without touching the entries: the generation each entry was taken
    // at, the node's name and zone number, and the value numbers of the keys asked for.
    private final long[] generations;
    private final String[] names;
    private final int[] zones;
    private final Map<String, int[]> domains;
    private final List<String> zoneKeys;
    private final List<NodeInfo> nodes;
    private final NodePositions positions;

    private View(
        PodClassIndex index,
        State state,
        PodClass[] classes,
        int classCount,
        NodeEntry[] entries,
        long[] generations,
        String[] names,
        int[] zones,
        Map<String, int[]> domains,
        List<String> zoneKeys,
        List<NodeInfo> nodes,
        NodePositions positions) {
      this.index = index;
      this.state = state;
      this.classes = classes;
      this.classCount = classCount;
      this.entries = entries;
      this.generations = generations;
      this.names = names;
      this.zones = zones;
      this.domains = domains;
      this.zoneKeys = zoneKeys;
      this.nodes = nodes;
      this.positions = positions;
    }

    /**
     * For each class, whether {@code p} holds: what a selector says about each kind of pod.
     *
     * @param requirements requirements every class that {@code p} accepts satisfies; only the
     *     classes that can satisfy them are asked (a selector's own requirements, or none)
     */
    boolean[] matching(List<Requirement> requirements, Predicate<PodClass> p) {
      boolean[] m = new boolean[classCount];
      IntList candidates;
      synchronized (index) {
        candidates = candidates(requirements);
        if (candidates != null) {
          candidates = candidates.copy();
        }
      }
      if (candidates == null) {
        for (int i = 0; i < classCount; i++) {
          m[i] = p.test(classes[i]);
        }
        return m;
      }
      for (int k = 0; k < candidates.size(); k++) {
        int id = candidates.get(k);
        // Classes added after this view was taken are not the view's.
        if (id < classCount) {
          m[id] = p.test(classes[id]);
        }
      }
      return m;
    }

    /**
     * The classes that can satisfy the first requirement that needs a label: {@code In} needs one
     * of its values, {@code Exists} the key. Null when none of them is there (a selector of {@code
     * NotIn} and {@code DoesNotExist} alone holds without any label): every class is a candidate.
     */
    private IntList candidates(List<Requirement> requirements) {
      for (Requirement r : requirements) {
        if (r.operator() == Requirement.Operator.IN) {
          Map<String, IntList> byValue = state.withLabel.getOrDefault(r.key(), Map.of());
          IntList out = new IntList();
          // One class has one value per key: the lists are disjoint.
          for (String v : r.values()) {
            out.addAll(byValue.get(v));
          }
          return out;
        }
        if (r.operator() == Requirement.Operator.EXISTS) {
          IntList out = state.withKey.get(r.key());
          return out == null ? new IntList() : out;
        }
      }
      return null;
    }

    /** The nodes the view was taken for. */
    List<NodeInfo> nodes() {
      return nodes;
    }

    /** The entry of {@code nodes().get(i)}, or null for a NodeInfo without a node. */
    NodeEntry entry(int i) {
      return entries[i];
    }

    /**
     * The entry of {@code nodeInfo} as this view can use it: the very NodeInfo this view was taken
     * for, still at the generation its entry was taken at; null otherwise (the caller counts the
     * pods itself). Every class an entry of this view names is one the view knows.
     */
    NodeEntry entry(NodeInfo nodeInfo) {
      int i = current(nodeInfo);
      return i < 0 ? null : entries[i];
    }

    /**
     * The position of {@code nodeInfo} (this very object) when its entry is at its generation; -1
     * otherwise.
     */
    int current(NodeInfo nodeInfo) {
      int i = positions.get(nodeInfo);
      return i >= 0 && entries[i] != null && generations[i] == nodeInfo.generation() ? i : -1;
    }

    /** The name of the node at position {@code i}; null for a NodeInfo without a node. */
    String name(int i) {
      return names[i];
    }

    /** The zone number of the node at position {@code i}: {@link NodeEntry#zone()}. */
    int zone(int i) {
      return zones[i];
    }

    /**
     * Every position's zone number ({@link #zone}) in one array: the view's own column, not a copy,
     * so the caller must only read it.
     */
    int[] zoneColumn() {
      return zones;
    }

    /**
     * Each node's value number for {@code key} ({@link NodeEntry#domain}), -1 without; null unless
     * the refresh was asked for the key. The caller must not change the array.
     */
    int[] domains(String key) {
      return domains.get(key);
    }

    /** Whether {@code other} lists the very NodeInfos of this view, in the same order. */
    private boolean hasNodes(List<NodeInfo> other) {
      if (other.size() != nodes.size()) {
        return false;
      }
      for (int i = 0; i < other.size(); i++) {
        if (other.get(i) != nodes.get(i)) {
          return false;
        }
      }
      return true;
    }

    /** The position of {@code nodeInfo} (this very object) in {@link #nodes()}, or -1. */
    int position(NodeInfo nodeInfo) {
      return positions.get(nodeInfo);
    }

    /**
     * The number of the node label key {@code key}, or -1 when no node of this view has it (keys
     * numbered after the view was taken belong to no entry of it).
     */
    int keyId(String key) {
      synchronized (index) {
        Integer id = state.labelKeyIds.get(key);
        return id == null ? -1 : id;
      }
    }

    /**
     * How many values of the label key numbered {@code keyId} have numbers: every value number an
     * entry of this view holds for the key is below it.
     */
    int valueCount(int keyId) {
      synchronized (index) {
        return state.labelValues.get(keyId).size();
      }
    }

    /** The value numbered {@code valueId} of the label key numbered {@code keyId}. */
    String labelValue(int keyId, int valueId) {
      synchronized (index) {
        return state.labelValues.get(keyId).get(valueId);
      }
    }

    /** The number of distinct zones; {@link NodeEntry#zone()} is below it. */
    int zoneCount() {
      return zoneKeys.size();
    }

    /** The pods of {@code e} whose class is marked in {@code matching}. */
    static long count(NodeEntry e, boolean[] matching) {
      long n = 0;
      for (int id : e.classIds()) {
        if (matching[id]) {
          n++;
        }
      }
      return n;
    }
  }

  /** A growable list of ints. */
  static final class IntList {
    private int[] values = new int[4];
    private int size;

    void add(int v) {
      if (size == values.length) {
        values = Arrays.copyOf(values, size * 2);
      }
      values[size++] = v;
    }

    void addAll(IntList other) {
      for (int i = 0; other != null && i < other.size; i++) {
        add(other.values[i]);
      }
    }

    int get(int i) {
      return values[i];
    }

    int size() {
      return size;
    }

    IntList copy() {
      IntList c = new IntList();
      c.values = Arrays.copyOf(values, Math.max(size, 1));
      c.size = size;
      return c;
    }
  }
}
