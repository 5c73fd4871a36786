package io.kubelab.kubelet.stats;

/**
 * Where the eviction manager gets its statistics. The integration supplies a simulated one; tests
 * script one.
 *
 * <p>Upstream: {@code pkg/kubelet/server/stats/summary.go} ({@code SummaryProvider.Get}), backed by
 * cAdvisor and the CRI.
 */
public interface SummaryProvider {

  /**
   * The current summary.
   *
   * @param updateStats whether to refresh statistics first (the eviction manager always asks)
   * @throws StatsException if statistics cannot be collected
   */
  Summary get(boolean updateStats);

  /** Statistics could not be collected. */
  final class StatsException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    public StatsException(String message) {
      super(message);
    }
  }
}
