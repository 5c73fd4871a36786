package io.kubelab.scheduler.extender.sample;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeList;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.resource.PodRequests;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.scheduler.extender.v1.ExtenderArgs;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import io.kubelab.scheduler.extender.v1.HostPriority;
import io.kubelab.scheduler.extender.v1.HostPriorityList;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The sample extender's rules, without the HTTP: it filters out nodes that have fewer of an
 * extended resource (GPUs) allocatable than the pod requests, and scores nodes that carry a label
 * 10, the others 0. It needs full nodes (the Policy must not say {@code nodeCacheCapable}).
 *
 * <p>Upstream counterpart: none; it plays the part of the extenders written against {@code
 * k8s.io/kube-scheduler/extender/v1}. It checks capacity only, not what other pods use: a real GPU
 * extender keeps its own account of allocations (and would be node-cache-capable).
 *
 * @param resource the extended resource it checks, such as {@code nvidia.com/gpu}
 * @param labelKey the label of preferred nodes
 * @param labelValue its value
 */
public record GpuLabelExtender(String resource, String labelKey, String labelValue) {

  /** {@code MaxExtenderPriority}. */
  public static final long PREFERRED_SCORE = 10;

  public GpuLabelExtender {
    Objects.requireNonNull(resource, "resource");
    Objects.requireNonNull(labelKey, "labelKey");
    Objects.requireNonNull(labelValue, "labelValue");
  }

  /** The nodes with enough of {@link #resource()}; the others with why. */
  public ExtenderFilterResult filter(ExtenderArgs args) {
    if (args.nodes() == null) {
      return needFullNodes();
    }
    long wanted = requested(args.pod());
    List<Node> kept = new ArrayList<>();
    Map<String, String> failed = new LinkedHashMap<>();
    for (Node n : args.nodes().getItems()) {
      long have = allocatable(n);
      if (have >= wanted) {
        kept.add(n);
      } else {
        failed.put(
            n.getMetadata().getName(),
            "node(s) had " + have + " " + resource + " allocatable, the pod requests " + wanted);
      }
    }
    NodeList out = new NodeList();
    out.setItems(kept);
    return new ExtenderFilterResult(out, null, failed, "");
  }

  /** {@value #PREFERRED_SCORE} for nodes labelled {@code labelKey=labelValue}, else 0. */
  public HostPriorityList prioritize(ExtenderArgs args) {
    if (args.nodes() == null) {
      throw new IllegalArgumentException(needFullNodes().error());
    }
    List<HostPriority> scores = new ArrayList<>();
    for (Node n : args.nodes().getItems()) {
      Map<String, String> labels = n.getMetadata().getLabels();
      boolean preferred = labels != null && labelValue.equals(labels.get(labelKey));
      scores.add(new HostPriority(n.getMetadata().getName(), preferred ? PREFERRED_SCORE : 0));
    }
    return new HostPriorityList(scores);
  }

  private ExtenderFilterResult needFullNodes() {
    return new ExtenderFilterResult(
        null, null, null, "this extender needs full nodes: configure it without nodeCacheCapable");
  }

  private long requested(Pod pod) {
    return PodRequests.of(pod).scalarResources().getOrDefault(resource, 0L);
  }

  private long allocatable(Node n) {
    Map<String, Quantity> alloc = n.getStatus() == null ? null : n.getStatus().getAllocatable();
    Quantity q = alloc == null ? null : alloc.get(resource);
    return q == null
        ? 0
        : Quantities.value(q, "Node " + n.getMetadata().getName() + ": allocatable." + resource);
  }
}
