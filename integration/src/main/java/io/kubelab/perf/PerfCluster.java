package io.kubelab.perf;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.metrics.SchedulerMetrics;
import java.util.List;

/**
 * The cluster a workload runs against: chapter 08's scheduler with an in-memory API ({@link
 * InProcessCluster}) or behind kubelab's API server ({@link ApiServerCluster}). Upstream's
 * counterpart is {@code mustSetupScheduler}: an API server, a scheduler, a client.
 */
interface PerfCluster extends AutoCloseable {

  /** A pod that is not bound when the workload ends, with its {@code PodScheduled} message. */
  record Pending(String key, String reason, String message) {}

  void createNodes(List<Node> nodes);

  /** Makes sure the namespace exists (the in-memory API has no namespaces to create). */
  void createNamespace(String name);

  /** Creates the pods, telling the tracker when each is created. */
  void createPods(List<Pod> pods);

  /** What the measurement reads. */
  PodTracker tracker();

  /** The scheduler's latency histograms (its frameworks' extension points included). */
  SchedulerMetrics metrics();

  /** Every pod not bound now. */
  List<Pending> pending();

  @Override
  void close();
}
