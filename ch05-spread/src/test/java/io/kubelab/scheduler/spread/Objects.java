package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ReplicationControllerBuilder;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceBuilder;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.ReplicaSetBuilder;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSetBuilder;
import io.kubelab.apimachinery.testing.Fixtures;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The objects upstream's spreading tests write as Go literals: nodes with only a name and labels,
 * pods with only labels, a namespace and a node, and the workloads that select them.
 */
final class Objects {

  private static final AtomicInteger SEQ = new AtomicInteger();

  private Objects() {}

  /** {@code map[string]string{...}} from alternating keys and values. */
  static Map<String, String> labels(String... kv) {
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < kv.length; i += 2) {
      m.put(kv[i], kv[i + 1]);
    }
    return m;
  }

  /** {@code &v1.Node{ObjectMeta: {Name, Labels}}}: no hostname label, nothing else. */
  static Node node(String name, Map<String, String> labels) {
    return new NodeBuilder()
        .withNewMetadata()
        .withName(name)
        .withLabels(new LinkedHashMap<>(labels))
        .endMetadata()
        .build();
  }

  /**
   * {@code &v1.Pod{ObjectMeta: {Labels, Namespace}, Spec: {NodeName}}}; the namespace is taken
   * literally ("" stays ""), the name and UID are unique.
   */
  static Pod pod(String namespace, String nodeName, Map<String, String> labels) {
    int n = SEQ.incrementAndGet();
    Pod p =
        Fixtures.pod("p" + n).uid("uid-" + n).labels(labels == null ? Map.of() : labels).build();
    p.getMetadata().setNamespace(namespace);
    p.getSpec().setNodeName(nodeName);
    return p;
  }

  /** A pod in the namespace "" on {@code nodeName}. */
  static Pod pod(String nodeName, Map<String, String> labels) {
    return pod("", nodeName, labels);
  }

  static Service service(String namespace, Map<String, String> selector) {
    return new ServiceBuilder()
        .withNewMetadata()
        .withName("svc-" + SEQ.incrementAndGet())
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withSelector(selector)
        .endSpec()
        .build();
  }

  static ReplicationController rc(String namespace, Map<String, String> selector) {
    return new ReplicationControllerBuilder()
        .withNewMetadata()
        .withName("rc-" + SEQ.incrementAndGet())
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withSelector(selector)
        .endSpec()
        .build();
  }

  static ReplicaSet rs(String namespace, LabelSelector selector) {
    return new ReplicaSetBuilder()
        .withNewMetadata()
        .withName("rs-" + SEQ.incrementAndGet())
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withSelector(selector)
        .endSpec()
        .build();
  }

  static StatefulSet ss(String namespace, LabelSelector selector) {
    return new StatefulSetBuilder()
        .withNewMetadata()
        .withName("ss-" + SEQ.incrementAndGet())
        .withNamespace(namespace)
        .endMetadata()
        .withNewSpec()
        .withSelector(selector)
        .endSpec()
        .build();
  }
}
