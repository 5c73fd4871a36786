package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.NodeSelectors;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.apimachinery.resource.ResourceNames;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateFailureReason.InsufficientResourceError;
import io.kubelab.scheduler.algorithm.PredicateMetadata;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The predicates every pod needs: enough resources, the right host, free host ports, a matching
 * node selector, and their combination {@code GeneralPredicates}.
 *
 * <p>Upstream: {@code PodFitsResources}, {@code PodFitsHost}, {@code PodFitsHostPorts}, {@code
 * PodMatchNodeSelector}, {@code PodMatchesNodeSelectorAndAffinityTerms}, {@code
 * EssentialPredicates}, {@code noncriticalPredicates} and {@code GeneralPredicates} in {@code
 * pkg/scheduler/algorithm/predicates/predicates.go} (v1.17). The kubelet runs the same {@code
 * GeneralPredicates} at admission, which is why they are grouped.
 */
public final class GeneralPredicates {

  private GeneralPredicates() {}

  /**
   * {@code PodFitsResources}: one {@code Insufficient <resource>} reason per short resource.
   *
   * <p>Order of reasons: pods, cpu, memory, ephemeral-storage, then scalar resources by name
   * (upstream iterates a Go map there; we sort so the order is stable). A pod that requests nothing
   * is checked only against the pod count. Requests are the real ones, never the non-zero defaults
   * used for scoring.
   */
  public static PredicateResult podFitsResources(
      Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    requireNode(pod, nodeInfo, "PodFitsResources");
    Resource podRequest;
    Set<String> ignored;
    if (meta instanceof PodPredicateMetadata m) {
      podRequest = m.podRequest();
      ignored = m.ignoredExtendedResources();
    } else {
      podRequest = PodRequests.of(pod);
      ignored = Set.of();
    }
    return result(fitsRequest(podRequest, ignored, nodeInfo));
  }

  /**
   * The resource check of {@code PodFitsResources} for a request computed once per pod: one {@link
   * InsufficientResourceError} per short resource, in the order documented there; empty when the
   * pod fits. Chapter 08's NodeResourcesFit plugin checks its PreFilter's request with it.
   *
   * @param podRequest the pod's request as {@link PodRequests#of} computes it
   * @param ignored extended resources left to an extender
   */
  public static List<InsufficientResourceError> fitsRequest(
      Resource podRequest, Set<String> ignored, NodeInfo nodeInfo) {
    // The node side is read from the NodeInfo's own copies of its amounts (one object per node);
    // the list is made only for a node that does not fit.
    List<InsufficientResourceError> fails = null;
    long allowedPodNumber = nodeInfo.allowedPodNumber();
    int podCount = nodeInfo.numPods();
    if (podCount + 1 > allowedPodNumber) {
      fails = new ArrayList<>(1);
      fails.add(new InsufficientResourceError(ResourceNames.PODS, 1, podCount, allowedPodNumber));
    }
    if (podRequest.milliCpu() == 0
        && podRequest.memory() == 0
        && podRequest.ephemeralStorage() == 0
        && podRequest.scalarResources().isEmpty()) {
      return fails == null ? List.of() : fails;
    }
    long allocCpu = nodeInfo.allocatableMilliCpu();
    long usedCpu = nodeInfo.requestedMilliCpu();
    if (allocCpu < podRequest.milliCpu() + usedCpu) {
      fails =
          add(
              fails,
              new InsufficientResourceError(
                  ResourceNames.CPU, podRequest.milliCpu(), usedCpu, allocCpu));
    }
    long allocMemory = nodeInfo.allocatableMemory();
    long usedMemory = nodeInfo.requestedMemory();
    if (allocMemory < podRequest.memory() + usedMemory) {
      fails =
          add(
              fails,
              new InsufficientResourceError(
                  ResourceNames.MEMORY, podRequest.memory(), usedMemory, allocMemory));
    }
    long allocEphemeral = nodeInfo.allocatableEphemeralStorage();
    long usedEphemeral = nodeInfo.requestedEphemeralStorage();
    if (allocEphemeral < podRequest.ephemeralStorage() + usedEphemeral) {
      fails =
          add(
              fails,
              new InsufficientResourceError(
                  ResourceNames.EPHEMERAL_STORAGE,
                  podRequest.ephemeralStorage(),
                  usedEphemeral,
                  allocEphemeral));
    }
    if (podRequest.scalarResources().isEmpty()) {
      return fails == null ? List.of() : fails;
    }
    Resource alloc = nodeInfo.allocatableResource();
    Resource used = nodeInfo.requestedResource();
    for (Map.Entry<String, Long> e : podRequest.scalarResources().entrySet()) {
      String name = e.getKey();
      // Only extended resources can be ignored: an extender that manages them does the
      // accounting itself. Hugepages and attachable volumes are always checked.
      if (ResourceNames.isExtendedResourceName(name) && ignored.contains(name)) {
        continue;
      }
      if (alloc.scalar(name) < e.getValue() + used.scalar(name)) {
        fails =
            add(
                fails,
                new InsufficientResourceError(
                    name, e.getValue(), used.scalar(name), alloc.scalar(name)));
      }
    }
    return fails == null ? List.of() : fails;
  }

  private static List<InsufficientResourceError> add(
      List<InsufficientResourceError> fails, InsufficientResourceError e) {
    List<InsufficientResourceError> out = fails == null ? new ArrayList<>(2) : fails;
    out.add(e);
    return out;
  }

  /** {@code PodFitsHost}: a pod with {@code spec.nodeName} fits only that node. */
  public static PredicateResult podFitsHost(Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    String want = pod.getSpec().getNodeName();
    if (want == null || want.isEmpty()) {
      return PredicateResult.FIT;
    }
    requireNode(pod, nodeInfo, "HostName");
    return want.equals(nodeInfo.nodeName())
        ? PredicateResult.FIT
        : PredicateResult.fail(PredicateErrors.ERR_POD_NOT_MATCH_HOST_NAME);
  }

  /**
   * {@code PodFitsHostPorts}: each wanted (host IP, protocol, host port) must be free, where
   * 0.0.0.0 (or no IP) conflicts with every IP. The rule itself lives in {@link
   * io.kubelab.scheduler.cache.HostPortInfo#checkConflict}.
   */
  public static PredicateResult podFitsHostPorts(
      Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    List<ContainerPort> want =
        meta instanceof PodPredicateMetadata m ? m.podPorts() : containerPorts(pod);
    return fitsPorts(want, nodeInfo)
        ? PredicateResult.FIT
        : PredicateResult.fail(PredicateErrors.ERR_POD_NOT_FITS_HOST_PORTS);
  }

  /**
   * Upstream's {@code fitsPorts}: no wanted port conflicts with a port in use on the node. Chapter
   * 08's NodePorts plugin checks its PreFilter's ports with it.
   */
  public static boolean fitsPorts(List<ContainerPort> want, NodeInfo nodeInfo) {
    for (ContainerPort p : want) {
      int hostPort = p.getHostPort() == null ? 0 : p.getHostPort();
      if (nodeInfo.usedPorts().checkConflict(p.getHostIP(), p.getProtocol(), hostPort)) {
        return false;
      }
    }
    return true;
  }

  /** {@code PodMatchNodeSelector}: nodeSelector and required node affinity. */
  public static PredicateResult podMatchNodeSelector(
      Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    requireNode(pod, nodeInfo, "MatchNodeSelector");
    return podMatchesNodeSelectorAndAffinityTerms(pod, nodeInfo.node())
        ? PredicateResult.FIT
        : PredicateResult.fail(PredicateErrors.ERR_NODE_SELECTOR_NOT_MATCH);
  }

  /**
   * Upstream's {@code PodMatchesNodeSelectorAndAffinityTerms}. Every {@code spec.nodeSelector}
   * label must be on the node; then, if there is a required node affinity, one of its terms must
   * match. A pod without {@code requiredDuringSchedulingIgnoredDuringExecution} matches every node;
   * a required block with no terms, or a term with no requirements, matches none.
   */
  public static boolean podMatchesNodeSelectorAndAffinityTerms(Pod pod, Node node) {
    Map<String, String> nodeSelector = pod.getSpec().getNodeSelector();
    Map<String, String> nodeLabels = node.getMetadata().getLabels();
    if (nodeSelector != null
        && !nodeSelector.isEmpty()
        && !LabelSelectors.fromMap(nodeSelector).matches(nodeLabels)) {
      return false;
    }
    Affinity affinity = pod.getSpec().getAffinity();
    NodeAffinity na = affinity == null ? null : affinity.getNodeAffinity();
    NodeSelector required =
        na == null ? null : na.getRequiredDuringSchedulingIgnoredDuringExecution();
    if (required == null) {
      return true;
    }
    return NodeSelectors.matches(required, node);
  }

  /** Upstream's {@code EssentialPredicates}: host, host ports, node selector; all reasons. */
  public static PredicateResult essentialPredicates(
      Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    List<PredicateFailureReason> fails = new ArrayList<>(2);
    collect(fails, podFitsHost(pod, meta, nodeInfo));
    collect(fails, podFitsHostPorts(pod, meta, nodeInfo));
    collect(fails, podMatchNodeSelector(pod, meta, nodeInfo));
    return result(fails);
  }

  /**
   * {@code GeneralPredicates}: resources (what only non-critical pods need, upstream's {@code
   * noncriticalPredicates}) then the essential ones. Unlike the scheduler's loop over predicates it
   * does not stop at the first failure: every reason is reported, so a pod that is both too big and
   * on the wrong host hears about both.
   */
  public static PredicateResult generalPredicates(
      Pod pod, PredicateMetadata meta, NodeInfo nodeInfo) {
    List<PredicateFailureReason> fails = new ArrayList<>(2);
    collect(fails, podFitsResources(pod, meta, nodeInfo));
    collect(fails, essentialPredicates(pod, meta, nodeInfo));
    return result(fails);
  }

  /** Upstream's {@code GetContainerPorts}: every port of every (non-init) container. */
  public static List<ContainerPort> containerPorts(Pod pod) {
    List<ContainerPort> ports = new ArrayList<>();
    List<Container> containers = pod.getSpec().getContainers();
    if (containers != null) {
      for (Container c : containers) {
        if (c.getPorts() != null) {
          ports.addAll(c.getPorts());
        }
      }
    }
    return ports;
  }

  /**
   * A predicate that needs the node object cannot decide without it: upstream returns the error
   * "node not found", which aborts the scheduling attempt.
   */
  static void requireNode(Pod pod, NodeInfo nodeInfo, String predicate) {
    if (nodeInfo == null || nodeInfo.node() == null) {
      throw new IllegalStateException(
          predicate + ": node not found (while checking " + PodRequests.describe(pod) + ")");
    }
  }

  private static void collect(List<PredicateFailureReason> into, PredicateResult r) {
    // A fit has no reasons.
    into.addAll(r.reasons());
  }

  static PredicateResult result(List<? extends PredicateFailureReason> fails) {
    return fails.isEmpty() ? PredicateResult.FIT : PredicateResult.fail(fails);
  }
}
