package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import java.util.List;

/**
 * Lists the cluster's PodDisruptionBudgets; preemption lists them once per attempt.
 *
 * <p>Upstream: the {@code policylisters.PodDisruptionBudgetLister} of {@code genericScheduler} in
 * {@code pkg/scheduler/core/generic_scheduler.go} (v1.17), called as {@code
 * pdbLister.List(labels.Everything())}. The integration supplies an informer-backed lister; tests
 * use {@link #of}.
 */
@FunctionalInterface
public interface PdbLister {

  /** No lister configured (upstream: a nil {@code pdbLister}): no pod is protected. */
  PdbLister NONE = List::of;

  /**
   * Every PodDisruptionBudget in every namespace.
   *
   * @throws RuntimeException when listing fails; the preemption attempt fails with it
   */
  List<PodDisruptionBudget> list();

  /** A lister that always returns {@code pdbs}. */
  static PdbLister of(List<PodDisruptionBudget> pdbs) {
    List<PodDisruptionBudget> copy = List.copyOf(pdbs);
    return () -> copy;
  }
}
