package io.kubelab.kubelet.events;

/** Where the kubelet's events go: the API server in a cluster, a list in tests. Must not block. */
@FunctionalInterface
public interface EventSink {
  void record(Event event);

  /** Drops every event. */
  EventSink NONE = e -> {};
}
