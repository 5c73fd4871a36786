package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One {@link NodeAgent} (chapter 10's kubelet over a fake runtime) per node, all on one {@link
 * FakeClock}, reporting to one {@link InMemoryApiServer}: what happens to the pods a scheduler
 * bound once their nodes' kubelets start them.
 *
 * <p>A pod is created pending in the API server ({@link #pending}), then bound ({@link #bind}): the
 * binding is written through the {@code pods/binding} subresource and the pod handed to its node's
 * agent, as the kubelet's pod source would deliver it. {@link #run} lets virtual time pass, so that
 * every agent's PLEG relists and the pods it runs are reported Running. Pods bound in a scheduler's
 * input are taken as already running and are not handed to the agents. No thread is started.
 */
public final class Kubelets implements AutoCloseable {

  /** Virtual time the kubelets get after scheduling: five PLEG relists. */
  public static final Duration RUN_TIME = Duration.ofSeconds(5);

  private final FakeClock clock;
  private final InMemoryApiServer api = new InMemoryApiServer();
  private final Map<String, NodeAgent> agents = new LinkedHashMap<>();

  /** An agent for each node, in the list's order, on a clock of their own. */
  public Kubelets(List<Node> nodes) {
    this(nodes, new FakeClock());
  }

  /**
   * An agent for each node, in the list's order (a name listed twice gets one agent), on {@code
   * clock}: whoever steps it runs the agents' relists and sync loops.
   */
  public Kubelets(List<Node> nodes, FakeClock clock) {
    this.clock = clock;
    for (Node n : nodes) {
      agents.computeIfAbsent(n.getMetadata().getName(), k -> new NodeAgent(n, clock, api));
    }
  }

  /** Creates {@code pod} (with its UID) in the API server, not yet bound: its phase is Pending. */
  public void pending(Pod pod) {
    api.create(pod);
  }

  /**
   * Binds a pod created with {@link #pending} to {@code nodeName} and hands it to that node's
   * agent; one virtual millisecond passes, as between two bindings.
   *
   * @throws IllegalArgumentException if there is no such node or no such pending pod
   */
  public void bind(Pod pod, String nodeName) {
    NodeAgent agent = agent(nodeName);
    api.bind(pod.getMetadata().getUid(), nodeName);
    agent.handlePodAddition(
        new PodBuilder(pod).editSpec().withNodeName(nodeName).endSpec().build());
    clock.step(Duration.ofMillis(1));
  }

  /** Lets {@link #RUN_TIME} of virtual time pass: due PLEG relists and sync loops run here. */
  public void run() {
    advance(RUN_TIME);
  }

  /** Lets {@code d} of virtual time pass. */
  public void advance(Duration d) {
    clock.step(d);
  }

  /** The pod's status.phase in the API server: Running once its kubelet reported it. */
  public String phase(Pod pod) {
    return api.phase(pod.getMetadata().getUid());
  }

  /** One agent per node, in the nodes' order. */
  public List<NodeAgent> agents() {
    return List.copyOf(agents.values());
  }

  /**
   * The agent of {@code nodeName}.
   *
   * @throws IllegalArgumentException if there is no such node
   */
  public NodeAgent agent(String nodeName) {
    NodeAgent a = agents.get(nodeName);
    if (a == null) {
      throw new IllegalArgumentException("no node named \"" + nodeName + "\"");
    }
    return a;
  }

  @Override
  public void close() {
    agents.values().forEach(NodeAgent::close);
  }
}
