package io.kubelab.scheduler.cache;

import static org.assertj.core.api.Assertions.assertThat;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.resource.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** Invariant checks shared by the example, property and concurrency tests. */
final class CacheChecks {

  private CacheChecks() {}

  /**
   * A NodeInfo's aggregates recomputed from its pods: requests, non-zero requests, host ports and
   * the affinity lists. The cache keeps them incrementally; this is the from-scratch truth. As in
   * v1.17 and v1.18.0, only regular containers and the overhead count; init containers do not.
   */
  static void assertAggregatesMatchPods(String where, NodeInfo ni) {
    Resource req = Resource.ZERO;
    Resource nonZero = Resource.ZERO;
    HostPortInfo ports = new HostPortInfo();
    List<String> withAffinity = new ArrayList<>();
    List<String> withAnti = new ArrayList<>();
    for (Pod p : ni.pods()) {
      for (Container c : p.getSpec().getContainers()) {
        Map<String, Quantity> r =
            c.getResources() == null || c.getResources().getRequests() == null
                ? Map.of()
                : c.getResources().getRequests();
        req = req.add(Resource.of(r, "request"));
        Resource cpuMem = Resource.of(r, "request");
        nonZero =
            nonZero.add(
                Resource.of(
                    r.containsKey("cpu") ? cpuMem.milliCpu() : 100,
                    r.containsKey("memory") ? cpuMem.memory() : 200L << 20));
      }
      if (p.getSpec().getOverhead() != null) {
        Resource o = Resource.of(p.getSpec().getOverhead(), "overhead");
        req = req.add(o);
        nonZero = nonZero.add(Resource.of(o.milliCpu(), o.memory()));
      }
      for (Container c : p.getSpec().getContainers()) {
        for (ContainerPort cp : c.getPorts() == null ? List.<ContainerPort>of() : c.getPorts()) {
          ports.add(
              cp.getHostIP(), cp.getProtocol(), cp.getHostPort() == null ? 0 : cp.getHostPort());
        }
      }
      // Read the spec directly: the cache's own hasAffinity is what is being checked.
      Affinity a = p.getSpec().getAffinity();
      if (a != null && (a.getPodAffinity() != null || a.getPodAntiAffinity() != null)) {
        withAffinity.add(p.getMetadata().getUid());
      }
      if (a != null
          && a.getPodAntiAffinity() != null
          && a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null
          && a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().size()
              > 0) {
        withAnti.add(p.getMetadata().getUid());
      }
    }
    assertThat(amounts(ni.requestedResource()))
        .as(where + " requested")
        .isEqualTo(amounts(req.withAllowedPodNumber(0)));
    assertThat(amounts(ni.nonZeroRequest())).as(where + " nonZero").isEqualTo(amounts(nonZero));
    assertFlatCopies(where, ni, req, nonZero);
    assertThat(ni.usedPorts()).as(where + " ports").isEqualTo(ports);
    assertThat(uids(ni.podsWithAffinity()))
        .as(where + " podsWithAffinity")
        .containsExactlyInAnyOrderElementsOf(withAffinity);
    assertThat(uids(ni.podsWithRequiredAntiAffinity()))
        .as(where + " podsWithRequiredAntiAffinity")
        .containsExactlyInAnyOrderElementsOf(withAnti);
    // The parsed terms sit at their pod's index: same namespace, same topology keys.
    assertThat(ni.affinityInfos()).as(where + " affinityInfos").hasSameSizeAs(withAffinity);
    for (int i = 0; i < ni.podsWithAffinity().size(); i++) {
      Pod p = ni.podsWithAffinity().get(i);
      PodAffinityInfo info = ni.affinityInfos().get(i);
      Affinity a = p.getSpec().getAffinity();
      List<String> wantKeys = new ArrayList<>();
      if (a.getPodAntiAffinity() != null
          && a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() != null) {
        for (var t : a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution()) {
          wantKeys.add(t == null || t.getTopologyKey() == null ? "" : t.getTopologyKey());
        }
      }
      assertThat(info.namespace())
          .as(where + " affinityInfos[" + i + "] namespace")
          .isEqualTo(p.getMetadata().getNamespace() == null ? "" : p.getMetadata().getNamespace());
      assertThat(info.requiredAntiAffinity())
          .as(where + " affinityInfos[" + i + "] anti-affinity keys")
          .extracting(PodAffinityInfo.Term::topologyKey)
          .containsExactlyElementsOf(wantKeys);
    }
  }

  /**
   * The amounts a NodeInfo keeps flat for the filters and scorers against their sources: the pods'
   * sums computed from scratch, the pod list, the allocatable record and the node's spec.
   */
  static void assertFlatCopies(String where, NodeInfo ni, Resource requested, Resource nonZero) {
    assertThat(ni.numPods()).as(where + " numPods").isEqualTo(ni.pods().size());
    assertThat(ni.requestedMilliCpu()).as(where + " requested cpu").isEqualTo(requested.milliCpu());
    assertThat(ni.requestedMemory()).as(where + " requested memory").isEqualTo(requested.memory());
    assertThat(ni.requestedEphemeralStorage())
        .as(where + " requested ephemeral-storage")
        .isEqualTo(requested.ephemeralStorage());
    assertThat(ni.nonZeroMilliCpu()).as(where + " nonZero cpu").isEqualTo(nonZero.milliCpu());
    assertThat(ni.nonZeroMemory()).as(where + " nonZero memory").isEqualTo(nonZero.memory());
    Resource alloc = ni.allocatableResource();
    assertThat(flatAllocatable(ni))
        .as(where + " allocatable")
        .containsExactly(
            alloc.milliCpu(), alloc.memory(), alloc.ephemeralStorage(), alloc.allowedPodNumber());
    boolean unschedulable =
        ni.node() != null
            && ni.node().getSpec() != null
            && Boolean.TRUE.equals(ni.node().getSpec().getUnschedulable());
    assertThat(ni.unschedulable()).as(where + " unschedulable").isEqualTo(unschedulable);
  }

  /** A NodeInfo's flat allocatable amounts: milli-CPU, memory, ephemeral storage, pods. */
  static List<Long> flatAllocatable(NodeInfo ni) {
    return List.of(
        ni.allocatableMilliCpu(),
        ni.allocatableMemory(),
        ni.allocatableEphemeralStorage(),
        ni.allowedPodNumber());
  }

  /**
   * The amounts of a resource, without scalar entries at zero. A NodeInfo keeps the name of a
   * scalar resource its last pod took away, at zero, as upstream's map does; a sum from scratch
   * over the remaining pods never names it. Nothing reads a node's zero entry: the amount is what
   * counts.
   */
  static Resource amounts(Resource r) {
    Map<String, Long> nonZero = new java.util.TreeMap<>(r.scalarResources());
    nonZero.values().removeIf(v -> v == 0);
    return new Resource(
        r.milliCpu(), r.memory(), r.ephemeralStorage(), r.allowedPodNumber(), nonZero);
  }

  /** Every field of two NodeInfos that a scheduling cycle reads, generation included. */
  static void assertSameNodeInfo(String where, NodeInfo a, NodeInfo b) {
    assertThat(a.node()).as(where + " node").isSameAs(b.node());
    assertThat(uids(a.pods())).as(where + " pods").isEqualTo(uids(b.pods()));
    assertThat(uids(a.podsWithAffinity()))
        .as(where + " podsWithAffinity")
        .isEqualTo(uids(b.podsWithAffinity()));
    // The parsed terms in the same places (a rebuilt NodeInfo parses them afresh, so compare
    // what was parsed rather than the records' identity).
    assertThat(a.affinityInfos().stream().map(CacheChecks::parsed).toList())
        .as(where + " affinityInfos")
        .isEqualTo(b.affinityInfos().stream().map(CacheChecks::parsed).toList());
    assertThat(uids(a.podsWithRequiredAntiAffinity()))
        .as(where + " podsWithRequiredAntiAffinity")
        .isEqualTo(uids(b.podsWithRequiredAntiAffinity()));
    assertThat(a.requestedResource()).as(where + " requested").isEqualTo(b.requestedResource());
    assertThat(a.nonZeroRequest()).as(where + " nonZero").isEqualTo(b.nonZeroRequest());
    assertThat(a.allocatableResource())
        .as(where + " allocatable")
        .isEqualTo(b.allocatableResource());
    assertThat(a.usedPorts()).as(where + " ports").isEqualTo(b.usedPorts());
    assertThat(a.taints()).as(where + " taints").isEqualTo(b.taints());
    assertThat(a.imageStates()).as(where + " images").isEqualTo(b.imageStates());
    assertThat(a.generation()).as(where + " generation").isEqualTo(b.generation());
    assertFlatCopies(where, a, b.requestedResource(), b.nonZeroRequest());
  }

  /** What a record parsed, comparable: each term's key, namespaces and weight. */
  private static String parsed(PodAffinityInfo info) {
    java.util.function.Function<List<PodAffinityInfo.Term>, String> terms =
        ts ->
            ts.stream()
                .map(t -> t.topologyKey() + new java.util.TreeSet<>(t.namespaces()) + t.weight())
                .toList()
                .toString();
    return info.namespace()
        + terms.apply(info.requiredAffinity())
        + terms.apply(info.requiredAntiAffinity())
        + terms.apply(info.preferredAffinity())
        + terms.apply(info.preferredAntiAffinity());
  }

  /** Same nodes, same order, same aggregates, same affinity lists, same generation. */
  static void assertSameSnapshot(Snapshot incremental, Snapshot rebuilt) {
    assertThat(names(incremental.list())).as("node order").isEqualTo(names(rebuilt.list()));
    assertThat(incremental.nodeInfoMap.keySet())
        .as("snapshot map")
        .isEqualTo(rebuilt.nodeInfoMap.keySet());
    for (NodeInfo r : rebuilt.list()) {
      assertSameNodeInfo(r.nodeName(), incremental.get(r.nodeName()), r);
    }
    for (int i = 0; i < rebuilt.list().size(); i++) {
      // The list must hold the map's objects, or in-place updates would not reach it.
      NodeInfo inList = incremental.list().get(i);
      assertThat(inList).isSameAs(incremental.nodeInfoMap.get(inList.nodeName()));
    }
    assertThat(names(incremental.havePodsWithAffinityList()))
        .as("affinity list")
        .isEqualTo(names(rebuilt.havePodsWithAffinityList()));
    assertThat(names(incremental.havePodsWithRequiredAntiAffinityList()))
        .as("required anti-affinity list")
        .isEqualTo(names(rebuilt.havePodsWithRequiredAntiAffinityList()));
    if (rebuilt.generation() != 0) {
      // An empty cache has no head to take a generation from: a fresh snapshot stays at 0.
      assertThat(incremental.generation()).as("generation").isEqualTo(rebuilt.generation());
    }
  }

  /** Generations strictly descend from the head: what lets updateSnapshot stop early. */
  static void assertListNewestFirst(SchedulerCache cache) {
    List<Long> g = cache.generationsFromHead();
    for (int i = 1; i < g.size(); i++) {
      assertThat(g.get(i)).as("generation order along the list: " + g).isLessThan(g.get(i - 1));
    }
    assertThat(g).hasSize(cache.dump().nodes().size());
  }

  static List<String> names(List<NodeInfo> l) {
    List<String> n = new ArrayList<>();
    for (NodeInfo ni : l) {
      n.add(ni.nodeName());
    }
    return n;
  }

  static List<String> uids(List<Pod> pods) {
    List<String> u = new ArrayList<>();
    for (Pod p : pods) {
      u.add(p.getMetadata().getUid());
    }
    return u;
  }

  /** A snapshot built from scratch from the cache. */
  static Snapshot fresh(SchedulerCache cache) {
    Snapshot s = new Snapshot();
    cache.updateSnapshot(s);
    return s;
  }
}
