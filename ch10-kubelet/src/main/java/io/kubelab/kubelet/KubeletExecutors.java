package io.kubelab.kubelet;

import io.kubelab.kubelet.util.NamedThreads;
import io.kubelab.kubelet.util.SerialExecutor;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;

/**
 * Where each of the kubelet's "goroutines" runs.
 *
 * <p>{@link #inline()} runs everything in place on one trampoline: with a {@code FakeClock}, the
 * whole kubelet (sync loop, pod workers, PLEG, probes, status manager, eviction manager) runs on
 * the thread that steps the clock, deterministically, and each step runs to quiescence before it
 * returns; no thread is started. {@link #threads} gives each component named threads of its own, as
 * upstream gives each its goroutines; {@link #close()} stops and joins them.
 */
public final class KubeletExecutors implements AutoCloseable {

  final Executor syncLoop;
  final Executor podWorkers;
  final Executor pleg;
  final Executor statusManager;
  final Executor probes;
  final Executor eviction;
  private final List<NamedThreads> owned;

  private KubeletExecutors(
      Executor syncLoop,
      Executor podWorkers,
      Executor pleg,
      Executor statusManager,
      Executor probes,
      Executor eviction,
      List<NamedThreads> owned) {
    this.syncLoop = syncLoop;
    this.podWorkers = podWorkers;
    this.pleg = pleg;
    this.statusManager = statusManager;
    this.probes = probes;
    this.eviction = eviction;
    this.owned = owned;
  }

  /** Everything in place, on one trampoline: for a kubelet driven by a {@code FakeClock}. */
  public static KubeletExecutors inline() {
    SerialExecutor one = SerialExecutor.inline();
    return new KubeletExecutors(one, one, one, one, one, one, List.of());
  }

  /**
   * Named threads per component: {@code <prefix>-sync-loop}, {@code -pod-worker-N}, {@code -pleg},
   * {@code -status-manager}, {@code -prober-N} (up to {@code maxProbes} probes at once), {@code
   * -eviction}.
   */
  public static KubeletExecutors threads(String prefix, int maxPodWorkers, int maxProbes) {
    List<NamedThreads> owned = new ArrayList<>();
    NamedThreads loop = own(owned, new NamedThreads(prefix + "-sync-loop", 1));
    NamedThreads workers = own(owned, new NamedThreads(prefix + "-pod-worker", maxPodWorkers));
    NamedThreads pleg = own(owned, new NamedThreads(prefix + "-pleg", 1));
    NamedThreads status = own(owned, new NamedThreads(prefix + "-status-manager", 1));
    NamedThreads probes = own(owned, new NamedThreads(prefix + "-prober", maxProbes));
    NamedThreads eviction = own(owned, new NamedThreads(prefix + "-eviction", 1));
    return new KubeletExecutors(
        new SerialExecutor(loop), workers, pleg, status, probes, eviction, List.copyOf(owned));
  }

  private static NamedThreads own(List<NamedThreads> owned, NamedThreads t) {
    owned.add(t);
    return t;
  }

  /** Stops and joins the threads this instance started, if any. */
  @Override
  public void close() {
    owned.forEach(NamedThreads::close);
  }
}
