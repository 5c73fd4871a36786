package io.kubelab.kubelet.eviction;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.events.Event;
import io.kubelab.kubelet.stats.Summary;
import io.kubelab.kubelet.stats.SummaryProvider;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;

/** Pods with memory statistics, a scripted summary provider and a recording pod killer. */
final class EvictionFixtures {
  private EvictionFixtures() {}

  static final int LOW = -1;
  static final int DEFAULT = 0;
  static final int HIGH = 1;

  static long bytes(String q) {
    return Quantities.value(q, "test quantity");
  }

  /** upstream {@code makePodWithMemoryStats}: one container named like the pod. */
  static Pod pod(
      String name, int priority, String reqCpu, String reqMem, String limCpu, String limMem) {
    Fixtures.PodFixture f = Fixtures.pod(name).uid(name).priority(priority).container(name);
    if (!reqCpu.isEmpty()) {
      f.request("cpu", reqCpu);
    }
    if (!reqMem.isEmpty()) {
      f.request("memory", reqMem);
    }
    if (!limCpu.isEmpty()) {
      f.limit("cpu", limCpu);
    }
    if (!limMem.isEmpty()) {
      f.limit("memory", limMem);
    }
    return f.build();
  }

  static Summary.PodStats memoryStats(Pod pod, String workingSet) {
    long ws = bytes(workingSet);
    return new Summary.PodStats(
        new Summary.PodReference(
            pod.getMetadata().getName(),
            pod.getMetadata().getNamespace(),
            pod.getMetadata().getUid()),
        List.of(
            new Summary.ContainerStats(
                pod.getSpec().getContainers().get(0).getName(),
                new Summary.MemoryStats(null, null, ws),
                null,
                null)),
        new Summary.MemoryStats(null, null, ws),
        List.of());
  }

  /** upstream {@code makeMemoryStats}: the node (and "pods") with {@code available} free. */
  static Summary memorySummary(String available, List<Summary.PodStats> pods) {
    long a = bytes(available);
    Summary.MemoryStats m = new Summary.MemoryStats(null, a, a);
    return new Summary(
        new Summary.NodeStats(
            "test",
            m,
            null,
            null,
            null,
            List.of(new Summary.ContainerStats("pods", m, null, null))),
        pods);
  }

  /** A summary provider whose answer the test sets. */
  static final class ScriptedSummary implements SummaryProvider {
    Summary result;
    int calls;

    @Override
    public Summary get(boolean updateStats) {
      calls++;
      if (result == null) {
        throw new StatsException("no stats yet");
      }
      return result;
    }
  }

  /** Records the pods it kills, with the status and grace period. */
  static final class RecordingKiller implements EvictionManager.KillPodFunc {
    Pod pod;
    PodStatus status;
    Long gracePeriod;
    final List<String> killed = new ArrayList<>();

    @Override
    public CompletionStage<Void> killPod(Pod p, PodStatus s, long grace) {
      pod = p;
      status = s;
      gracePeriod = grace;
      killed.add(p.getMetadata().getName());
      return CompletableFuture.completedFuture(null);
    }

    void reset() {
      pod = null;
      status = null;
      gracePeriod = null;
    }
  }

  static final class Events {
    final List<Event> all = new ArrayList<>();
  }
}
