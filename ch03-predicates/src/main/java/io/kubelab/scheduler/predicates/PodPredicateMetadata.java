package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Set;

/**
 * Everything the predicates precompute once per pod and scheduling cycle: the pod's requests and
 * host ports, the inter-pod affinity topology maps and the topology-spread counts.
 *
 * <p>Upstream: {@code predicateMetadata}, {@code podAffinityMetadata}, {@code
 * podFitsResourcesMetadata}, {@code podFitsHostPortsMetadata}, {@code AddPod}, {@code RemovePod}
 * and {@code ShallowCopy} in {@code pkg/scheduler/algorithm/predicates/metadata.go} (v1.17). Built
 * by {@link MetadataProducer}. {@link #addPod}/{@link #removePod} keep it equal to what the
 * producer would compute for the changed cluster; {@link #equals} compares exactly that state. Not
 * thread-safe: one scheduling attempt owns it, preemption works on {@link #shallowCopy()}s.
 */
public final class PodPredicateMetadata implements PredicateMetadata {

  private final Pod pod;
  private final String podFullName;
  private final Resource podRequest;
  private final Set<String> ignoredExtendedResources;
  private final List<ContainerPort> podPorts;

  // podAffinityMetadata
  private final List<PodAffinityTerm> affinityTerms;
  private final List<PodAffinityTerm> antiAffinityTerms;
  private final List<AffinityTerms.TermProperties> affinityProps;
  private final List<AffinityTerms.TermProperties> antiAffinityProps;
  private final TopologyPairsMaps topologyPairsAntiAffinityPodsMap;
  private final TopologyPairsMaps topologyPairsPotentialAffinityPods;
  private final TopologyPairsMaps topologyPairsPotentialAntiAffinityPods;

  private final EvenPodsSpreadMetadata evenPodsSpreadMetadata;

  PodPredicateMetadata(
      Pod pod,
      Resource podRequest,
      Set<String> ignoredExtendedResources,
      List<ContainerPort> podPorts,
      List<AffinityTerms.TermProperties> affinityProps,
      List<AffinityTerms.TermProperties> antiAffinityProps,
      TopologyPairsMaps existingAntiAffinity,
      TopologyPairsMaps potentialAffinity,
      TopologyPairsMaps potentialAntiAffinity,
      EvenPodsSpreadMetadata evenPodsSpreadMetadata) {
    this.pod = pod;
    this.podFullName = AffinityTerms.podFullName(pod);
    this.podRequest = podRequest;
    this.ignoredExtendedResources = Set.copyOf(ignoredExtendedResources);
    this.podPorts = List.copyOf(podPorts);
    this.affinityTerms = AffinityTerms.requiredAffinityTerms(pod);
    this.antiAffinityTerms = AffinityTerms.requiredAntiAffinityTerms(pod);
    this.affinityProps = affinityProps;
    this.antiAffinityProps = antiAffinityProps;
    this.topologyPairsAntiAffinityPodsMap = existingAntiAffinity;
    this.topologyPairsPotentialAffinityPods = potentialAffinity;
    this.topologyPairsPotentialAntiAffinityPods = potentialAntiAffinity;
    this.evenPodsSpreadMetadata = evenPodsSpreadMetadata;
  }

  /** The pod this metadata is for. */
  public Pod pod() {
    return pod;
  }

  /** The pod's request, upstream's {@code GetResourceRequest} (= {@link PodRequests#of}). */
  public Resource podRequest() {
    return podRequest;
  }

  /** Extended resources PodFitsResources skips (managed by an extender). */
  public Set<String> ignoredExtendedResources() {
    return ignoredExtendedResources;
  }

  /** Every container port of the pod, upstream's {@code GetContainerPorts}. */
  public List<ContainerPort> podPorts() {
    return podPorts;
  }

  List<PodAffinityTerm> affinityTerms() {
    return affinityTerms;
  }

  List<PodAffinityTerm> antiAffinityTerms() {
    return antiAffinityTerms;
  }

  List<AffinityTerms.TermProperties> affinityProps() {
    return affinityProps;
  }

  /** Pairs where an existing pod's required anti-affinity term matches the incoming pod. */
  TopologyPairsMaps topologyPairsAntiAffinityPodsMap() {
    return topologyPairsAntiAffinityPodsMap;
  }

  /** Pairs holding pods that match all of the incoming pod's required affinity terms. */
  TopologyPairsMaps topologyPairsPotentialAffinityPods() {
    return topologyPairsPotentialAffinityPods;
  }

  /** Pairs holding pods that match any of the incoming pod's required anti-affinity terms. */
  TopologyPairsMaps topologyPairsPotentialAntiAffinityPods() {
    return topologyPairsPotentialAntiAffinityPods;
  }

  /** The spread counts, or null when the pod has no DoNotSchedule constraint. */
  EvenPodsSpreadMetadata evenPodsSpreadMetadata() {
    return evenPodsSpreadMetadata;
  }

  @Override
  public PodPredicateMetadata shallowCopy() {
    return new PodPredicateMetadata(
        pod,
        podRequest,
        ignoredExtendedResources,
        podPorts,
        affinityProps,
        antiAffinityProps,
        topologyPairsAntiAffinityPodsMap.copy(),
        topologyPairsPotentialAffinityPods.copy(),
        topologyPairsPotentialAntiAffinityPods.copy(),
        evenPodsSpreadMetadata == null ? null : evenPodsSpreadMetadata.copy());
  }

  /**
   * Updates the maps as if {@code addedPod} ran on {@code node}.
   *
   * @throws IllegalArgumentException "addedPod and meta.pod must not be the same", or when the node
   *     is missing
   */
  @Override
  public void addPod(Pod addedPod, Node node) {
    String added = AffinityTerms.podFullName(addedPod);
    if (added.equals(podFullName)) {
      throw new IllegalArgumentException(
          "addedPod and meta.pod must not be the same (" + added + ")");
    }
    if (node == null) {
      throw new IllegalArgumentException("invalid node in nodeInfo (adding pod " + added + ")");
    }
    MetadataProducer.addExistingAntiAffinityPairs(
        pod, addedPod, node, topologyPairsAntiAffinityPodsMap);
    MetadataProducer.addIncomingAffinityPairs(
        addedPod,
        node,
        affinityTerms,
        affinityProps,
        antiAffinityTerms,
        antiAffinityProps,
        topologyPairsPotentialAffinityPods,
        topologyPairsPotentialAntiAffinityPods);
    if (evenPodsSpreadMetadata != null) {
      evenPodsSpreadMetadata.updateWithPod(addedPod, node, 1);
    }
  }

  /**
   * Updates the maps as if {@code deletedPod} no longer ran on {@code node}.
   *
   * @throws IllegalArgumentException "deletedPod and meta.pod must not be the same"
   */
  @Override
  public void removePod(Pod deletedPod, Node node) {
    String deleted = AffinityTerms.podFullName(deletedPod);
    if (deleted.equals(podFullName)) {
      throw new IllegalArgumentException(
          "deletedPod and meta.pod must not be the same (" + deleted + ")");
    }
    topologyPairsAntiAffinityPodsMap.removePod(deleted);
    topologyPairsPotentialAffinityPods.removePod(deleted);
    topologyPairsPotentialAntiAffinityPods.removePod(deleted);
    if (evenPodsSpreadMetadata != null) {
      evenPodsSpreadMetadata.updateWithPod(deletedPod, node, -1);
    }
  }

  /** A printable summary of the maps, for test failure messages and the chapter. */
  public Map<String, Object> describe() {
    return Map.of(
        "pod", podFullName,
        "podRequest", podRequest,
        "existingAntiAffinity", topologyPairsAntiAffinityPodsMap.asSortedMap(),
        "potentialAffinity", topologyPairsPotentialAffinityPods.asSortedMap(),
        "potentialAntiAffinity", topologyPairsPotentialAntiAffinityPods.asSortedMap(),
        "evenPodsSpread", String.valueOf(evenPodsSpreadMetadata));
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PodPredicateMetadata m
        && m.podFullName.equals(podFullName)
        && m.podRequest.equals(podRequest)
        && m.ignoredExtendedResources.equals(ignoredExtendedResources)
        && m.podPorts.equals(podPorts)
        && m.topologyPairsAntiAffinityPodsMap.equals(topologyPairsAntiAffinityPodsMap)
        && m.topologyPairsPotentialAffinityPods.equals(topologyPairsPotentialAffinityPods)
        && m.topologyPairsPotentialAntiAffinityPods.equals(topologyPairsPotentialAntiAffinityPods)
        && Objects.equals(m.evenPodsSpreadMetadata, evenPodsSpreadMetadata);
  }

  @Override
  public int hashCode() {
    return Objects.hash(podFullName, podRequest, topologyPairsAntiAffinityPodsMap);
  }

  @Override
  public String toString() {
    return "PodPredicateMetadata" + describe();
  }
}
