package io.kubelab.scheduler.cache;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Taint;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Resource;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The scheduler's aggregated view of one node: the node, its pods, what they request, the host
 * ports they use, the node's images and taints.
 *
 * <p>Upstream: {@code pkg/scheduler/nodeinfo/node_info.go} (v1.18). Every change takes a new {@link
 * #generation()} from one global, monotonically increasing counter, so that the cache can tell
 * which nodes changed since a snapshot was taken, and a node deleted and re-added never reuses a
 * generation (kubernetes#63262). Not thread-safe: the cache guards it with its lock, and snapshots
 * hold {@link #clone() clones}.
 *
 * <p>Where we differ: a change to a clone takes its generation from a block of that counter
 * reserved by the changing thread, not from the counter itself. Preemption changes a clone of every
 * candidate node several times, on every worker at once, and one shared counter made each of those
 * changes wait for the others' (a fifth of a preemption's time). A clone's generation stays unique,
 * which is all that anything asks of it (a generation names one state of one node); it is not
 * ordered with the cache's, which only the cache compares, and never for clones.
 *
 * <p>{@code node()} may be null: the cache keeps a "ghost" NodeInfo for pods whose node is unknown
 * or already removed.
 */
public final class NodeInfo {

  private static final AtomicLong NEXT_GENERATION = new AtomicLong();

  private Node node;
  // node.getMetadata().getName(), kept so that the hot paths (every predicate, the nominator
  // lookup, score lists) do not chase two more pointers per node.
  private String nodeName;
  private final ArrayList<Pod> pods;
  // What each pod of `pods` adds to the two request sums, index for index. Parsing a pod's
  // quantities is the dearest part of an add; keeping the result means a removal, and every
  // clone, parses nothing (upstream's quantities arrive parsed, so it can recompute them freely).
  private final ArrayList<PodResource> podResources;
  // Only in clones, which preemption uses to try evictions: what each pod taken off the clone
  // added, so that putting the very same pod back ("reprieving" it) parses nothing either. The
  // cache's own NodeInfos never keep it (a deleted pod never comes back, so it would only grow).
  private final boolean isClone;
  private IdentityHashMap<Pod, PodResource> removedFromClone;
  private final ArrayList<Pod> podsWithAffinity;
  // The parsed terms of each pod of `podsWithAffinity`, index for index: v1.20's PodInfo, so
  // that no cycle compiles them again.
  private final ArrayList<PodAffinityInfo> affinityInfos;
  private final ArrayList<Pod> podsWithRequiredAntiAffinity;
  // Read-only views of the three lists, made once: the filters and scores ask for them on every
  // node in every cycle, and a fresh wrapper each time is garbage the collector must sweep.
  private final List<Pod> podsView;
  private final List<Pod> podsWithAffinityView;
  private final List<PodAffinityInfo> affinityInfosView;
  private final List<Pod> podsWithRequiredAntiAffinityView;
  private HostPortInfo usedPorts;
  private Resource requestedResource = Resource.ZERO;
  private Resource nonZeroRequest = Resource.ZERO;
  private Resource allocatableResource = Resource.ZERO;
  private List<Taint> taints = List.of();
  private Map<String, ImageStateSummary> imageStates = Map.of();
  // Cached so that pressure checks need not scan status.conditions; upstream keeps the last value
  // seen (a condition that disappears from the node leaves the old status in place).
  private String memoryPressureCondition = "";
  private String diskPressureCondition = "";
  private String pidPressureCondition = "";
  private long generation;

  // Copies of the amounts the filters and scorers read for every node of every pod, kept in this
  // object: a pass over thousands of nodes then reads one object per node instead of five (this
  // one, its pod list, the node's spec and two Resource records), and those reads, cache misses
  // each, were most of what NodeResourcesFit's filter cost. The records and lists stay the source;
  // every write to them goes through setRequested, setNonZero, setAllocatable, addPod/removePod
  // and setNode, which keep these in step, and clones and copyFrom take them with the records.
  private int podCount;
  private boolean unschedulable;
  private long allowedPodNumber;
  private long allocatableMilliCpu;
  private long allocatableMemory;
  private long allocatableEphemeralStorage;
  private long requestedMilliCpu;
  private long requestedMemory;
  private long requestedEphemeralStorage;
  private long nonZeroMilliCpu;
  private long nonZeroMemory;

  /** An empty NodeInfo holding {@code pods} (upstream's {@code NewNodeInfo}). */
  public NodeInfo(Pod... pods) {
    this.pods = new ArrayList<>();
    this.podResources = new ArrayList<>();
    this.isClone = false;
    this.podsWithAffinity = new ArrayList<>();
    this.affinityInfos = new ArrayList<>();
    this.podsWithRequiredAntiAffinity = new ArrayList<>();
    this.podsView = Collections.unmodifiableList(this.pods);
    this.podsWithAffinityView = Collections.unmodifiableList(this.podsWithAffinity);
    this.affinityInfosView = Collections.unmodifiableList(this.affinityInfos);
    this.podsWithRequiredAntiAffinityView =
        Collections.unmodifiableList(this.podsWithRequiredAntiAffinity);
    this.usedPorts = new HostPortInfo();
    this.generation = nextGeneration();
    for (Pod p : pods) {
      addPod(p);
    }
  }

  private NodeInfo(NodeInfo o) {
    this.node = o.node;
    this.nodeName = o.nodeName;
    this.pods = new ArrayList<>(o.pods);
    this.podResources = new ArrayList<>(o.podResources);
    this.isClone = true;
    this.podsWithAffinity = new ArrayList<>(o.podsWithAffinity);
    this.affinityInfos = new ArrayList<>(o.affinityInfos);
    this.podsWithRequiredAntiAffinity = new ArrayList<>(o.podsWithRequiredAntiAffinity);
    this.podsView = Collections.unmodifiableList(this.pods);
    this.podsWithAffinityView = Collections.unmodifiableList(this.podsWithAffinity);
    this.affinityInfosView = Collections.unmodifiableList(this.affinityInfos);
    this.podsWithRequiredAntiAffinityView =
        Collections.unmodifiableList(this.podsWithRequiredAntiAffinity);
    this.usedPorts = o.usedPorts.copy();
    this.requestedResource = o.requestedResource;
    this.nonZeroRequest = o.nonZeroRequest;
    this.allocatableResource = o.allocatableResource;
    copyFlatAmounts(o);
    this.taints = o.taints;
    this.imageStates = o.imageStates;
    this.memoryPressureCondition = o.memoryPressureCondition;
    this.diskPressureCondition = o.diskPressureCondition;
    this.pidPressureCondition = o.pidPressureCondition;
    this.generation = o.generation;
  }

  /**
   * Overwrites this NodeInfo with a copy of {@code o}, keeping this object's identity: upstream's
   * {@code *existing = *clone} in {@code UpdateSnapshot}, which keeps pointers already held by the
   * snapshot's node list valid.
   */
  void copyFrom(NodeInfo o) {
    this.node = o.node;
    this.nodeName = o.nodeName;
    this.pods.clear();
    this.pods.addAll(o.pods);
    this.podResources.clear();
    this.podResources.addAll(o.podResources);
    this.podsWithAffinity.clear();
    this.podsWithAffinity.addAll(o.podsWithAffinity);
    this.affinityInfos.clear();
    this.affinityInfos.addAll(o.affinityInfos);
    this.podsWithRequiredAntiAffinity.clear();
    this.podsWithRequiredAntiAffinity.addAll(o.podsWithRequiredAntiAffinity);
    this.usedPorts = o.usedPorts.copy();
    this.requestedResource = o.requestedResource;
    this.nonZeroRequest = o.nonZeroRequest;
    this.allocatableResource = o.allocatableResource;
    copyFlatAmounts(o);
    this.taints = o.taints;
    this.imageStates = o.imageStates;
    this.memoryPressureCondition = o.memoryPressureCondition;
    this.diskPressureCondition = o.diskPressureCondition;
    this.pidPressureCondition = o.pidPressureCondition;
    this.generation = o.generation;
  }

  // From another NodeInfo's own copies: reading its records again would touch three more objects.
  private void copyFlatAmounts(NodeInfo o) {
    podCount = o.podCount;
    unschedulable = o.unschedulable;
    allowedPodNumber = o.allowedPodNumber;
    allocatableMilliCpu = o.allocatableMilliCpu;
    allocatableMemory = o.allocatableMemory;
    allocatableEphemeralStorage = o.allocatableEphemeralStorage;
    requestedMilliCpu = o.requestedMilliCpu;
    requestedMemory = o.requestedMemory;
    requestedEphemeralStorage = o.requestedEphemeralStorage;
    nonZeroMilliCpu = o.nonZeroMilliCpu;
    nonZeroMemory = o.nonZeroMemory;
  }

  private void setRequested(Resource r) {
    requestedResource = r;
    requestedMilliCpu = r.milliCpu();
    requestedMemory = r.memory();
    requestedEphemeralStorage = r.ephemeralStorage();
  }

  private void setNonZero(Resource r) {
    nonZeroRequest = r;
    nonZeroMilliCpu = r.milliCpu();
    nonZeroMemory = r.memory();
  }

  private void setAllocatable(Resource r) {
    allocatableResource = r;
    allowedPodNumber = r.allowedPodNumber();
    allocatableMilliCpu = r.milliCpu();
    allocatableMemory = r.memory();
    allocatableEphemeralStorage = r.ephemeralStorage();
  }

  /** The next value of the global generation counter. */
  static long nextGeneration() {
    return NEXT_GENERATION.incrementAndGet();
  }

  /** How many generations a thread reserves at once for the clones it changes. */
  static final int CLONE_GENERATION_BLOCK = 1024;

  // Per thread: {last generation handed out, last of the block reserved}.
  private static final ThreadLocal<long[]> CLONE_GENERATIONS =
      ThreadLocal.withInitial(() -> new long[2]);

  /**
   * A generation for a change to a clone: unique like {@link #nextGeneration()}'s, from a block of
   * the same counter reserved by this thread.
   */
  static long nextCloneGeneration() {
    long[] block = CLONE_GENERATIONS.get();
    if (block[0] == block[1]) {
      block[1] = NEXT_GENERATION.addAndGet(CLONE_GENERATION_BLOCK);
      block[0] = block[1] - CLONE_GENERATION_BLOCK;
    }
    return ++block[0];
  }

  /**
   * The cache key of a pod: its UID (upstream's {@code GetPodKey}).
   *
   * @throws IllegalArgumentException "Cannot get cache key for pod with empty UID"
   */
  public static String podKey(Pod pod) {
    String uid = pod.getMetadata() == null ? null : pod.getMetadata().getUid();
    if (uid == null || uid.isEmpty()) {
      throw new IllegalArgumentException(
          "Cannot get cache key for pod with empty UID (" + PodRequests.describe(pod) + ")");
    }
    return uid;
  }

  /** True when the pod has a podAffinity or podAntiAffinity section. */
  public static boolean hasAffinity(Pod pod) {
    Affinity a = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
    return a != null && (a.getPodAffinity() != null || a.getPodAntiAffinity() != null);
  }

  /** True when the pod has required (hard) anti-affinity terms. */
  public static boolean hasRequiredAntiAffinity(Pod pod) {
    Affinity a = pod.getSpec() == null ? null : pod.getSpec().getAffinity();
    return a != null
        && a.getPodAntiAffinity() != null
        && a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null
        && !a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().isEmpty();
  }

  /** The node, or null for a NodeInfo that only holds pods of an unknown or removed node. */
  public Node node() {
    return node;
  }

  /** The node's name, or null when {@link #node()} is null. */
  public String nodeName() {
    return nodeName;
  }

  public List<Pod> pods() {
    return podsView;
  }

  /** {@code len(Pods())}, without going through the read-only view. */
  public int numPods() {
    return podCount;
  }

  public List<Pod> podsWithAffinity() {
    return podsWithAffinityView;
  }

  /** The parsed pod-affinity terms of {@link #podsWithAffinity()}, index for index. */
  public List<PodAffinityInfo> affinityInfos() {
    return affinityInfosView;
  }

  public List<Pod> podsWithRequiredAntiAffinity() {
    return podsWithRequiredAntiAffinityView;
  }

  /** The host ports in use. Callers must not modify it; it is the NodeInfo's own. */
  public HostPortInfo usedPorts() {
    return usedPorts;
  }

  /**
   * The sum of the pods' requests as {@link #calculateResource} counts them: regular containers
   * plus overhead, init containers not at all.
   */
  public Resource requestedResource() {
    return requestedResource;
  }

  /**
   * The sum of the pods' non-zero requests (CPU and memory only, per-container defaults for what a
   * container omits), used for scoring; counted over regular containers plus overhead.
   */
  public Resource nonZeroRequest() {
    return nonZeroRequest;
  }

  /** The node's allocatable resources; {@code allowedPodNumber} is the {@code pods} entry. */
  public Resource allocatableResource() {
    return allocatableResource;
  }

  /** {@code allocatableResource().allowedPodNumber()}, read from this object. */
  public long allowedPodNumber() {
    return allowedPodNumber;
  }

  /** {@code allocatableResource().milliCpu()}, read from this object. */
  public long allocatableMilliCpu() {
    return allocatableMilliCpu;
  }

  /** {@code allocatableResource().memory()}, read from this object. */
  public long allocatableMemory() {
    return allocatableMemory;
  }

  /** {@code allocatableResource().ephemeralStorage()}, read from this object. */
  public long allocatableEphemeralStorage() {
    return allocatableEphemeralStorage;
  }

  /** {@code requestedResource().milliCpu()}, read from this object. */
  public long requestedMilliCpu() {
    return requestedMilliCpu;
  }

  /** {@code requestedResource().memory()}, read from this object. */
  public long requestedMemory() {
    return requestedMemory;
  }

  /** {@code requestedResource().ephemeralStorage()}, read from this object. */
  public long requestedEphemeralStorage() {
    return requestedEphemeralStorage;
  }

  /** {@code nonZeroRequest().milliCpu()}, read from this object. */
  public long nonZeroMilliCpu() {
    return nonZeroMilliCpu;
  }

  /** {@code nonZeroRequest().memory()}, read from this object. */
  public long nonZeroMemory() {
    return nonZeroMemory;
  }

  /**
   * Whether the node has {@code spec.unschedulable: true}, as of {@link #setNode}; false without a
   * node.
   */
  public boolean unschedulable() {
    return unschedulable;
  }

  public List<Taint> taints() {
    return taints;
  }

  /** Image name → summary, as set by the cache when the node was last added or updated. */
  public Map<String, ImageStateSummary> imageStates() {
    return imageStates;
  }

  public long generation() {
    return generation;
  }

  /**
   * The status of the node's {@code MemoryPressure} condition ("True", "False", "Unknown"), or ""
   * if the node never reported it.
   */
  public String memoryPressureCondition() {
    return memoryPressureCondition;
  }

  /** The status of the node's {@code DiskPressure} condition, or "" if never reported. */
  public String diskPressureCondition() {
    return diskPressureCondition;
  }

  /** The status of the node's {@code PIDPressure} condition, or "" if never reported. */
  public String pidPressureCondition() {
    return pidPressureCondition;
  }

  /** Sets the allocatable resources directly (tests and simulations); bumps the generation. */
  public void setAllocatableResource(Resource allocatable) {
    setAllocatable(Objects.requireNonNull(allocatable));
    this.generation = nextGeneration();
  }

  /** Replaces the image summaries (the cache computes them); does not bump the generation. */
  void setImageStates(Map<String, ImageStateSummary> states) {
    this.imageStates = Map.copyOf(states);
  }

  /** Adds a pod: its requests, ports and affinity; bumps the generation. */
  public void addPod(Pod pod) {
    // Parse everything before touching any field, so that a malformed pod leaves us unchanged.
    // No UID check here: upstream's AddPod accepts UID-less pods (NewNodeInfo in tests).
    PodResource r = removedFromClone == null ? null : removedFromClone.remove(pod);
    if (r == null) {
      r = isClone ? addedToClone(pod) : calculateResource(pod);
    }
    boolean withAffinity = hasAffinity(pod);
    PodAffinityInfo info = withAffinity ? PodAffinityInfo.of(pod) : null;
    setRequested(requestedResource.add(r.requested()));
    setNonZero(nonZeroRequest.add(r.nonZero()));
    pods.add(pod);
    podCount = pods.size();
    podResources.add(r);
    if (withAffinity) {
      podsWithAffinity.add(pod);
      affinityInfos.add(info);
    }
    if (hasRequiredAntiAffinity(pod)) {
      podsWithRequiredAntiAffinity.add(pod);
    }
    updateUsedPorts(r, true);
    generation = isClone ? nextCloneGeneration() : nextGeneration();
  }

  /**
   * Removes the pod with the same UID. Like upstream it swaps the last pod into the gap, so pod
   * order is not stable. Upstream subtracts the amounts, and releases the host ports, it reads
   * again from the pod passed in; we use what was read when the pod was added, which is the same
   * because a pod's requests and ports cannot change, and needs no parsing.
   *
   * @throws IllegalStateException "no corresponding pod %s in pods of node %s"
   */
  public void removePod(Pod pod) {
    String key = podKey(pod);
    int at = indexOf(pods, key);
    if (at < 0) {
      throw new IllegalStateException(
          "no corresponding pod "
              + pod.getMetadata().getName()
              + " in pods of node "
              + (node == null ? "" : node.getMetadata().getName()));
    }
    int withAffinityAt = indexOf(podsWithAffinity, key);
    if (withAffinityAt >= 0) {
      int lastWithAffinity = podsWithAffinity.size() - 1;
      podsWithAffinity.set(withAffinityAt, podsWithAffinity.get(lastWithAffinity));
      podsWithAffinity.remove(lastWithAffinity);
      affinityInfos.set(withAffinityAt, affinityInfos.get(lastWithAffinity));
      affinityInfos.remove(lastWithAffinity);
    }
    removeByKey(podsWithRequiredAntiAffinity, key);
    PodResource r = podResources.get(at);
    if (isClone) {
      if (removedFromClone == null) {
        removedFromClone = new IdentityHashMap<>();
      }
      removedFromClone.put(pod, r);
    }
    int last = pods.size() - 1;
    pods.set(at, pods.get(last));
    pods.remove(last);
    podCount = pods.size();
    podResources.set(at, podResources.get(last));
    podResources.remove(last);
    setRequested(requestedResource.subtract(r.requested()));
    setNonZero(nonZeroRequest.subtract(r.nonZero()));
    updateUsedPorts(r, false);
    generation = isClone ? nextCloneGeneration() : nextGeneration();
  }

  /**
   * What one pod adds to {@link #requestedResource()} and {@link #nonZeroRequest()}, and the host
   * ports it uses: its container ports with a {@code hostPort} above 0, the only ones {@link
   * HostPortInfo} counts. Most pods have none, and finding that out walked every container's ports
   * on each add and removal.
   */
  record PodResource(Resource requested, Resource nonZero, List<HostPort> hostPorts) {}

  /** One container port with a host port, as read when its pod was added. */
  record HostPort(String ip, String protocol, int port) {}

  /** How many parsed pods {@link #addedToClone} remembers before it starts over. */
  static final int ADDED_TO_CLONES_LIMIT = 1024;

  // Pods added to clones they were never on: the nominated pods the generic scheduler adds to a
  // clone of their node for every filter run (preemption runs several per node) until they are
  // bound. Parsing their quantities again each time was most of what that cost, so the last
  // parse of each is remembered, by UID and for that very object only: another object with the
  // same UID (an updated pod) is parsed afresh.
  private static final ConcurrentHashMap<String, Parsed> ADDED_TO_CLONES =
      new ConcurrentHashMap<>();

  private record Parsed(Pod pod, PodResource resource) {}

  /** How many pods added to clones are remembered now (for tests of the limit). */
  static int podsAddedToClonesRemembered() {
    return ADDED_TO_CLONES.size();
  }

  private static PodResource addedToClone(Pod pod) {
    String uid = pod.getMetadata() == null ? null : pod.getMetadata().getUid();
    if (uid == null) {
      return calculateResource(pod);
    }
    Parsed known = ADDED_TO_CLONES.get(uid);
    if (known != null && known.pod() == pod) {
      return known.resource();
    }
    PodResource r = calculateResource(pod);
    if (ADDED_TO_CLONES.size() >= ADDED_TO_CLONES_LIMIT) {
      ADDED_TO_CLONES.clear();
    }
    ADDED_TO_CLONES.put(uid, new Parsed(pod, r));
    return r;
  }

  /**
   * A pod's contribution to this NodeInfo: upstream's {@code calculateResource} as in v1.17 and
   * v1.18.0. It sums the regular containers only: init containers have finished by the time the
   * others run, and upstream did not count them here until a later 1.18 patch (kubernetes#89222).
   * {@code spec.overhead} is added, CPU and memory to the non-zero request too, as upstream adds it
   * when the PodOverhead gate is on (v1.18's default; with the gate off the API server drops the
   * field). Like upstream's {@code AddPod} it adds no {@code pods} request: the pod count is {@code
   * len(pods)}, never a sum of requests. Init containers' quantities are still parsed, so a
   * malformed one is rejected like any other.
   *
   * @throws io.kubelab.apimachinery.resource.Quantities.InvalidQuantityException naming the pod and
   *     the field
   */
  static PodResource calculateResource(Pod pod) {
    String id = PodRequests.describe(pod);
    if (pod.getSpec() == null) {
      throw new IllegalArgumentException(id + ": spec is missing");
    }
    Resource requested = Resource.ZERO;
    Resource nonZero = Resource.ZERO;
    List<Container> containers = pod.getSpec().getContainers();
    for (int i = 0; i < containers.size(); i++) {
      String field = "spec.containers[" + i + "]";
      requested = requested.add(PodRequests.containerRequests(containers.get(i), id, field));
      nonZero = nonZero.add(PodRequests.containerNonZero(containers.get(i), id, field));
    }
    List<Container> inits = pod.getSpec().getInitContainers();
    for (int i = 0; i < inits.size(); i++) {
      // Not counted, but read: a malformed quantity is bad input wherever it is (upstream could
      // not have decoded such a pod at all).
      PodRequests.containerRequests(inits.get(i), id, "spec.initContainers[" + i + "]");
    }
    Map<String, Quantity> overhead = pod.getSpec().getOverhead();
    if (overhead != null) {
      Resource o = Resource.of(overhead, id + ": spec.overhead");
      requested = requested.add(o);
      // Only the overhead's CPU and memory, and only where it names them (absent adds nothing).
      nonZero = nonZero.add(Resource.of(o.milliCpu(), o.memory()));
    }
    if (requested.allowedPodNumber() != 0) {
      requested = requested.withAllowedPodNumber(0);
    }
    return new PodResource(requested, nonZero, hostPorts(containers));
  }

  private static int indexOf(List<Pod> list, String key) {
    for (int i = 0; i < list.size(); i++) {
      if (key.equals(list.get(i).getMetadata().getUid())) {
        return i;
      }
    }
    return -1;
  }

  private static void removeByKey(ArrayList<Pod> list, String key) {
    int i = indexOf(list, key);
    if (i >= 0) {
      int last = list.size() - 1;
      list.set(i, list.get(last));
      list.remove(last);
    }
  }

  /**
   * The pods of {@code pods} that this NodeInfo does not contradict: pods of other nodes, and pods
   * of this node that are still in {@link #pods()}. Upstream's {@code FilterOutPods}: preemption
   * simulates evictions by removing pods from a NodeInfo clone, and filters other pod lists by it.
   */
  public List<Pod> filterOutPods(List<Pod> candidates) {
    if (node == null) {
      return candidates;
    }
    String name = node.getMetadata().getName();
    List<Pod> filtered = new ArrayList<>(candidates.size());
    for (Pod p : candidates) {
      if (!name.equals(p.getSpec().getNodeName())) {
        filtered.add(p);
        continue;
      }
      String uid = p.getMetadata().getUid();
      if (uid != null && !uid.isEmpty() && indexOf(pods, uid) >= 0) {
        filtered.add(p);
      }
    }
    return filtered;
  }

  private void updateUsedPorts(PodResource r, boolean add) {
    for (HostPort p : r.hostPorts()) {
      if (add) {
        usedPorts.add(p.ip(), p.protocol(), p.port());
      } else {
        usedPorts.remove(p.ip(), p.protocol(), p.port());
      }
    }
  }

  /** The pod's container ports with a host port above 0, in container order. */
  private static List<HostPort> hostPorts(List<Container> containers) {
    List<HostPort> out = null;
    for (Container c : containers) {
      if (c.getPorts() == null) {
        continue;
      }
      for (ContainerPort p : c.getPorts()) {
        if (p.getHostPort() != null && p.getHostPort() > 0) {
          if (out == null) {
            out = new ArrayList<>(2);
          }
          out.add(new HostPort(p.getHostIP(), p.getProtocol(), p.getHostPort()));
        }
      }
    }
    return out == null ? List.of() : List.copyOf(out);
  }

  /**
   * Sets the node: allocatable (with {@code pods} as the allowed pod number) and taints; bumps the
   * generation.
   *
   * @throws IllegalArgumentException when the node or a quantity in its allocatable is malformed
   */
  public void setNode(Node node) {
    Resource alloc = allocatableOf(node);
    this.node = node;
    this.nodeName = node.getMetadata().getName();
    setAllocatable(alloc);
    this.unschedulable =
        node.getSpec() != null && Boolean.TRUE.equals(node.getSpec().getUnschedulable());
    List<Taint> t = node.getSpec() == null ? null : node.getSpec().getTaints();
    this.taints = t == null ? List.of() : List.copyOf(t);
    if (node.getStatus() != null && node.getStatus().getConditions() != null) {
      for (NodeCondition c : node.getStatus().getConditions()) {
        String status = c.getStatus() == null ? "" : c.getStatus();
        switch (String.valueOf(c.getType())) {
          case "MemoryPressure" -> memoryPressureCondition = status;
          case "DiskPressure" -> diskPressureCondition = status;
          case "PIDPressure" -> pidPressureCondition = status;
          default -> {
            // Other conditions (Ready, NetworkUnavailable) are not cached, as upstream.
          }
        }
      }
    }
    this.generation = nextGeneration();
  }

  /**
   * Checks a node the way {@link #setNode} reads it and returns its allocatable resources, so that
   * the cache can reject a malformed node before changing anything.
   *
   * @throws IllegalArgumentException naming the node and the field
   */
  static Resource allocatableOf(Node node) {
    if (node == null || node.getMetadata() == null || node.getMetadata().getName() == null) {
      throw new IllegalArgumentException("Node: metadata.name is missing");
    }
    String what = "Node " + node.getMetadata().getName() + ": status.allocatable";
    return node.getStatus() == null
        ? Resource.ZERO
        : Resource.of(node.getStatus().getAllocatable(), what);
  }

  /**
   * Forgets the node but keeps its pods (a "ghost" until they are removed); bumps the generation.
   * Like upstream's v1.18 {@code RemoveNode} it clears only the node: allocatable, taints and image
   * states stay, unseen, because a ghost never enters a snapshot and a re-added node overwrites
   * them.
   */
  public void removeNode() {
    this.node = null;
    this.nodeName = null;
    this.unschedulable = false;
    this.generation = nextGeneration();
  }

  /**
   * A copy that later changes to this NodeInfo do not affect: the pod lists and ports are copied;
   * pods, the node and the image map are immutable or treated as such and shared. Keeps the
   * generation.
   */
  @Override
  public NodeInfo clone() {
    return new NodeInfo(this);
  }

  @Override
  public String toString() {
    List<String> names = new ArrayList<>();
    for (Pod p : pods) {
      names.add(p.getMetadata().getNamespace() + "/" + p.getMetadata().getName());
    }
    return "NodeInfo{node="
        + nodeName()
        + ", pods="
        + names
        + ", requested="
        + requestedResource
        + ", nonZero="
        + nonZeroRequest
        + ", allocatable="
        + allocatableResource
        + ", usedPorts="
        + usedPorts
        + ", generation="
        + generation
        + "}";
  }
}
