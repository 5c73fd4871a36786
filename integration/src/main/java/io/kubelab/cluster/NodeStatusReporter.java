package io.kubelab.cluster;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeConditionBuilder;
import io.fabric8.kubernetes.api.model.OwnerReferenceBuilder;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.coordination.v1.LeaseBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.dsl.base.PatchContext;
import io.fabric8.kubernetes.client.dsl.base.PatchType;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.events.Event;
import io.kubelab.kubelet.events.EventSink;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.ZonedDateTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.Executor;
import java.util.function.BooleanSupplier;
import java.util.logging.Logger;

/**
 * A kubelet's reports on its node: the node's conditions, written to the Node's status, and its
 * Lease in {@code kube-node-lease}, renewed as a heartbeat.
 *
 * <p>Upstream: {@code pkg/kubelet/kubelet_node_status.go} ({@code syncNodeStatus}, every {@code
 * nodeStatusUpdateFrequency}, 10 s; {@code tryUpdateNodeStatus} writes only when a condition
 * changed, heartbeat times aside, or {@code nodeStatusReportFrequency}, 5 min, has passed since the
 * last report, the node lease being the heartbeat), {@code pkg/kubelet/nodestatus/setters.go} (the
 * conditions, in upstream's order: {@code MemoryPressure}, {@code DiskPressure}, {@code
 * PIDPressure}, then {@code Ready}, with their reasons and messages; {@code Ready} is {@code False}
 * when the node lacks a capacity it must report: cpu, memory, pods and, with {@code
 * LocalStorageCapacityIsolation} on as in v1.18, ephemeral-storage) and {@code
 * pkg/kubelet/nodelease} (a Lease named after the node, owned by it, held by it, 40 s long, renewed
 * every 10 s). The Node's events (a condition's new status, {@code NodeReady} and {@code
 * NodeNotReady} when Ready changes) are recorded as upstream's {@code recordNodeStatusEvent} does.
 *
 * <p>Not modelled: registration (the Node exists already), addresses, node info, images, volumes in
 * use; runtime, network and storage errors (the fake runtime has none).
 */
final class NodeStatusReporter {

  private static final Logger LOG = Logger.getLogger(NodeStatusReporter.class.getName());

  /** Upstream {@code nodeStatusUpdateFrequency}. */
  static final Duration UPDATE_FREQUENCY = Duration.ofSeconds(10);

  /** Upstream {@code nodeStatusReportFrequency} (with the node lease). */
  static final Duration REPORT_FREQUENCY = Duration.ofMinutes(5);

  /** Upstream {@code NodeLeaseDurationSeconds}; renewed every quarter of it. */
  static final int LEASE_DURATION_SECONDS = 40;

  static final String LEASE_NAMESPACE = "kube-node-lease";

  private static final List<String> REQUIRED_CAPACITIES =
      List.of("cpu", "memory", "pods", "ephemeral-storage");

  private final KubernetesClient client;
  private final String nodeName;
  private final Clock clock;
  private final EventSink events;
  private final BooleanSupplier memoryPressure;
  private final BooleanSupplier diskPressure;
  private final BooleanSupplier pidPressure;
  private Instant lastReport;

  NodeStatusReporter(
      KubernetesClient client,
      String nodeName,
      Clock clock,
      EventSink events,
      BooleanSupplier memoryPressure,
      BooleanSupplier diskPressure,
      BooleanSupplier pidPressure) {
    this.client = client;
    this.nodeName = nodeName;
    this.clock = clock;
    this.events = events;
    this.memoryPressure = memoryPressure;
    this.diskPressure = diskPressure;
    this.pidPressure = pidPressure;
  }

  /**
   * Reports at once, then every {@link #UPDATE_FREQUENCY}, on {@code executor} (the requests block,
   * so not on the clock's timer thread); the handle stops it.
   */
  Clock.Timer start(Executor executor) {
    // upstream: go wait.Until(kl.syncNodeStatus, kl.nodeStatusUpdateFrequency, ...)
    return clock.until(Duration.ZERO, UPDATE_FREQUENCY, executor, this::tick);
  }

  /** One beat; a failure is logged and tried again at the next (upstream retries at once). */
  private void tick() {
    try {
      syncNodeStatus();
    } catch (RuntimeException e) {
      LOG.warning("node " + nodeName + ": could not update its status: " + e.getMessage());
    }
    try {
      renewLease();
    } catch (RuntimeException e) {
      LOG.warning("node " + nodeName + ": could not renew its lease: " + e.getMessage());
    }
  }

  /** Upstream {@code tryUpdateNodeStatus}, once. */
  synchronized void syncNodeStatus() {
    Node node = client.nodes().withName(nodeName).get();
    if (node == null) {
      return; // the node is gone; its kubelet is being stopped
    }
    Instant now = clock.now();
    List<NodeCondition> before =
        node.getStatus() == null || node.getStatus().getConditions() == null
            ? List.of()
            : node.getStatus().getConditions();
    List<NodeCondition> after = conditions(node, before, now);
    if (lastReport != null
        && now.isBefore(lastReport.plus(REPORT_FREQUENCY))
        && !changed(before, after)) {
      return;
    }
    Map<String, Object> patch = Map.of("status", Map.of("conditions", after));
    client
        .nodes()
        .withName(nodeName)
        .subresource("status")
        .patch(
            PatchContext.of(PatchType.STRATEGIC_MERGE),
            client.getKubernetesSerialization().asJson(patch));
    lastReport = now;
  }

  /** The node's conditions after upstream's setters, {@code Ready} last. */
  List<NodeCondition> conditions(Node node, List<NodeCondition> current, Instant now) {
    Map<String, NodeCondition> byType = new LinkedHashMap<>();
    current.forEach(c -> byType.put(c.getType(), c));
    String t = timestamp(now);
    List<NodeCondition> out = new ArrayList<>();
    out.add(
        pressure(
            byType.get("MemoryPressure"),
            "MemoryPressure",
            memoryPressure.getAsBoolean(),
            t,
            new String[] {
              "KubeletHasInsufficientMemory",
              "kubelet has insufficient memory available",
              "NodeHasInsufficientMemory"
            },
            new String[] {
              "KubeletHasSufficientMemory",
              "kubelet has sufficient memory available",
              "NodeHasSufficientMemory"
            }));
    out.add(
        pressure(
            byType.get("DiskPressure"),
            "DiskPressure",
            diskPressure.getAsBoolean(),
            t,
            new String[] {
              "KubeletHasDiskPressure", "kubelet has disk pressure", "NodeHasDiskPressure"
            },
            new String[] {
              "KubeletHasNoDiskPressure", "kubelet has no disk pressure", "NodeHasNoDiskPressure"
            }));
    out.add(
        pressure(
            byType.get("PIDPressure"),
            "PIDPressure",
            pidPressure.getAsBoolean(),
            t,
            new String[] {
              "KubeletHasInsufficientPID",
              "kubelet has insufficient PID available",
              "NodeHasInsufficientPID"
            },
            new String[] {
              "KubeletHasSufficientPID",
              "kubelet has sufficient PID available",
              "NodeHasSufficientPID"
            }));
    out.add(ready(node, byType.get("Ready"), t));
    return out;
  }

  /**
   * Upstream's {@code MemoryPressureCondition} (and its disk and PID twins): a new condition starts
   * {@code Unknown}, so its first status is a transition, with an event.
   */
  private NodeCondition pressure(
      NodeCondition old, String type, boolean under, String now, String[] yes, String[] no) {
    String oldStatus = old == null ? "Unknown" : old.getStatus();
    String[] want = under ? yes : no;
    String status = under ? "True" : "False";
    if (status.equals(oldStatus)) {
      return new NodeConditionBuilder(old).withLastHeartbeatTime(now).build();
    }
    record(want[2]);
    return new NodeConditionBuilder()
        .withType(type)
        .withStatus(status)
        .withReason(want[0])
        .withMessage(want[1])
        .withLastHeartbeatTime(now)
        .withLastTransitionTime(now)
        .build();
  }

  /** Upstream's {@code ReadyCondition}. */
  private NodeCondition ready(Node node, NodeCondition old, String now) {
    Map<String, ?> capacity =
        node.getStatus() == null || node.getStatus().getCapacity() == null
            ? Map.of()
            : node.getStatus().getCapacity();
    List<String> missing =
        REQUIRED_CAPACITIES.stream().filter(r -> !capacity.containsKey(r)).toList();
    boolean ready = missing.isEmpty();
    NodeConditionBuilder c =
        new NodeConditionBuilder()
            .withType("Ready")
            .withStatus(ready ? "True" : "False")
            .withReason(ready ? "KubeletReady" : "KubeletNotReady")
            .withMessage(
                ready
                    ? "kubelet is posting ready status"
                    : "missing node capacity for resources: " + String.join(", ", missing))
            .withLastHeartbeatTime(now);
    if (old == null) {
      return c.withLastTransitionTime(now).build(); // a new condition: no event
    }
    if (Objects.equals(old.getStatus(), ready ? "True" : "False")) {
      return c.withLastTransitionTime(old.getLastTransitionTime()).build();
    }
    record(ready ? "NodeReady" : "NodeNotReady");
    return c.withLastTransitionTime(now).build();
  }

  /**
   * Upstream's {@code nodeStatusHasChanged}: one of the conditions the kubelet sets differs from
   * the node's, other than in its heartbeat time. Conditions others set (a {@code
   * NetworkUnavailable}, say) are left as they are, so they do not count.
   */
  static boolean changed(List<NodeCondition> before, List<NodeCondition> after) {
    Map<String, NodeCondition> old = new LinkedHashMap<>();
    before.forEach(c -> old.put(c.getType(), c));
    for (NodeCondition c : after) {
      NodeCondition o = old.get(c.getType());
      if (o == null
          || !Objects.equals(o.getStatus(), c.getStatus())
          || !Objects.equals(o.getReason(), c.getReason())
          || !Objects.equals(o.getMessage(), c.getMessage())
          || !Objects.equals(o.getLastTransitionTime(), c.getLastTransitionTime())) {
        return true;
      }
    }
    return false;
  }

  private void record(String reason) {
    events.record(
        new Event(
            "Node",
            "",
            nodeName,
            Event.NORMAL,
            reason,
            "Node " + nodeName + " status is now: " + reason,
            Map.of()));
  }

  /** Upstream's node lease controller: create the Lease if missing, else renew it. */
  synchronized void renewLease() {
    ZonedDateTime now = clock.now().truncatedTo(ChronoUnit.MICROS).atZone(ZoneOffset.UTC);
    Lease lease = client.leases().inNamespace(LEASE_NAMESPACE).withName(nodeName).get();
    if (lease == null) {
      Node node = client.nodes().withName(nodeName).get();
      if (node == null) {
        return;
      }
      client
          .leases()
          .inNamespace(LEASE_NAMESPACE)
          .resource(
              new LeaseBuilder()
                  .withNewMetadata()
                  .withName(nodeName)
                  .withNamespace(LEASE_NAMESPACE)
                  .withOwnerReferences(
                      new OwnerReferenceBuilder()
                          .withApiVersion("v1")
                          .withKind("Node")
                          .withName(nodeName)
                          .withUid(node.getMetadata().getUid())
                          .build())
                  .endMetadata()
                  .withNewSpec()
                  .withHolderIdentity(nodeName)
                  .withLeaseDurationSeconds(LEASE_DURATION_SECONDS)
                  .withRenewTime(now)
                  .endSpec()
                  .build())
          .create();
      return;
    }
    lease.getSpec().setRenewTime(now);
    client.leases().inNamespace(LEASE_NAMESPACE).resource(lease).update();
  }

  private static String timestamp(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
