package io.kubelab.scheduler.algorithm;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.cache.Cache;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Small uniform clusters for this chapter's tests, built with {@code apimachinery}'s shared {@link
 * Fixtures}: nodes named in index order, plain pods, and a cache that serves a fixed snapshot.
 */
public final class TestCluster {

  private TestCluster() {}

  /** A node with 4 CPUs, 8 GiB and room for 110 pods. */
  public static Node node(String name) {
    return node(name, Map.of());
  }

  public static Node node(String name, Map<String, String> labels) {
    Fixtures.NodeFixture f = Fixtures.node(name).allocatable("4", "8Gi");
    labels.forEach(f::label);
    return f.build();
  }

  public static List<Node> nodes(int n) {
    List<Node> out = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      out.add(node(nodeName(i)));
    }
    return out;
  }

  /** Zero-padded so that names sort in index order. */
  public static String nodeName(int i) {
    return String.format("n%05d", i);
  }

  public static int nodeIndex(NodeInfo ni) {
    return Integer.parseInt(ni.nodeName().substring(1));
  }

  public static Pod pod(String name) {
    return pod(name, 0);
  }

  public static Pod pod(String name, int priority) {
    return Fixtures.pod(name).uid("uid-" + name).priority(priority).build();
  }

  /**
   * A cache whose {@code updateSnapshot} only counts calls: the snapshot was built up front with
   * {@link Snapshot#of}. Every other operation is outside this chapter.
   */
  public static final class SnapshotCache implements Cache {
    final AtomicInteger updates = new AtomicInteger();

    public SnapshotCache() {}

    @Override
    public void updateSnapshot(Snapshot snapshot) {
      updates.incrementAndGet();
    }

    @Override
    public int nodeCount() {
      throw new UnsupportedOperationException();
    }

    @Override
    public void assumePod(Pod pod) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void finishBinding(Pod pod) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void forgetPod(Pod pod) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void addPod(Pod pod) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void updatePod(Pod oldPod, Pod newPod) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void removePod(Pod pod) {
      throw new UnsupportedOperationException();
    }

    @Override
    public Pod getPod(Pod pod) {
      throw new UnsupportedOperationException();
    }

    @Override
    public boolean isAssumedPod(Pod pod) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void addNode(Node node) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void updateNode(Node oldNode, Node newNode) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void removeNode(Node node) {
      throw new UnsupportedOperationException();
    }
  }

  /** A scheduler builder over a fixed snapshot of {@code nodes}. */
  public static GenericScheduler.Builder scheduler(List<Node> nodes) {
    return GenericScheduler.builder(new SnapshotCache(), Snapshot.of(List.of(), nodes));
  }
}
