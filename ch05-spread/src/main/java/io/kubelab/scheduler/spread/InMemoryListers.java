package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.apps.StatefulSet;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Services, ReplicationControllers, ReplicaSets and StatefulSets held in memory: what an informer's
 * store would hold, filled by the caller. Implements all four listers.
 *
 * <p>Upstream counterpart: the informer caches behind client-go's listers, and the scheduler tests'
 * {@code fakelisters} ({@code pkg/scheduler/listers/fake}). Objects are kept by namespace and name,
 * so a list is in name order (upstream's cache order is a Go map's). An object without a namespace
 * is in {@code default}, as the API server would put it. Thread-safe: the scheduler reads while the
 * caller adds and removes.
 */
public final class InMemoryListers
    implements ServiceLister, ReplicationControllerLister, ReplicaSetLister, StatefulSetLister {

  private final Store<Service> services = new Store<>("Service");
  private final Store<ReplicationController> controllers = new Store<>("ReplicationController");
  private final Store<ReplicaSet> replicaSets = new Store<>("ReplicaSet");
  private final Store<StatefulSet> statefulSets = new Store<>("StatefulSet");

  /** The four listers, all backed by this store. */
  public SpreadListers spreadListers() {
    return new SpreadListers(this, this, this, this);
  }

  /** Adds or replaces a Service (by namespace and name). */
  public void add(Service s) {
    services.put(s);
  }

  /** Adds or replaces a ReplicationController. */
  public void add(ReplicationController rc) {
    controllers.put(rc);
  }

  /** Adds or replaces a ReplicaSet. */
  public void add(ReplicaSet rs) {
    replicaSets.put(rs);
  }

  /** Adds or replaces a StatefulSet. */
  public void add(StatefulSet ss) {
    statefulSets.put(ss);
  }

  /** Removes a Service; true if it was there. */
  public boolean remove(Service s) {
    return services.remove(s);
  }

  /** Removes a ReplicationController; true if it was there. */
  public boolean remove(ReplicationController rc) {
    return controllers.remove(rc);
  }

  /** Removes a ReplicaSet; true if it was there. */
  public boolean remove(ReplicaSet rs) {
    return replicaSets.remove(rs);
  }

  /** Removes a StatefulSet; true if it was there. */
  public boolean remove(StatefulSet ss) {
    return statefulSets.remove(ss);
  }

  @Override
  public List<Service> services(String namespace) {
    return services.list(namespace);
  }

  @Override
  public List<ReplicationController> replicationControllers(String namespace) {
    return controllers.list(namespace);
  }

  @Override
  public List<ReplicaSet> replicaSets(String namespace) {
    return replicaSets.list(namespace);
  }

  @Override
  public List<StatefulSet> statefulSets(String namespace) {
    return statefulSets.list(namespace);
  }

  /** One kind's objects: namespace → name → object. */
  private static final class Store<T extends HasMetadata> {
    private final String kind;
    private final Map<String, TreeMap<String, T>> byNamespace = new TreeMap<>();

    Store(String kind) {
      this.kind = kind;
    }

    synchronized void put(T o) {
      byNamespace.computeIfAbsent(namespace(o), k -> new TreeMap<>()).put(name(o), o);
    }

    synchronized boolean remove(T o) {
      TreeMap<String, T> m = byNamespace.get(namespace(o));
      return m != null && m.remove(name(o)) != null;
    }

    synchronized List<T> list(String namespace) {
      TreeMap<String, T> m = byNamespace.get(namespace);
      return m == null ? List.of() : new ArrayList<>(m.values());
    }

    private String name(T o) {
      String n = o.getMetadata() == null ? null : o.getMetadata().getName();
      if (n == null || n.isEmpty()) {
        throw new IllegalArgumentException(kind + ": metadata.name is missing");
      }
      return n;
    }

    private static String namespace(HasMetadata o) {
      String ns = o.getMetadata() == null ? null : o.getMetadata().getNamespace();
      return ns == null || ns.isEmpty() ? "default" : ns;
    }
  }
}
