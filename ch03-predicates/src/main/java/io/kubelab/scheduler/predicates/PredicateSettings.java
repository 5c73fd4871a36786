package io.kubelab.scheduler.predicates;

/**
 * What the v1.17 predicates take from the scheduler process rather than from the cluster: the
 * feature gate that decides whether {@code EvenPodsSpread} exists, and the {@code KUBE_MAX_PD_VOLS}
 * environment variable.
 *
 * <p>Upstream: the {@code EvenPodsSpread} feature gate ({@code pkg/features/kube_features.go},
 * alpha and off by default in v1.17), read by {@code ApplyFeatureGates} in {@code
 * pkg/scheduler/algorithmprovider/defaults/defaults.go}; and {@code KubeMaxPDVols}, read by {@code
 * getMaxVolLimitFromEnv} in {@code pkg/scheduler/algorithm/predicates/predicates.go}. Taking both
 * as values, instead of reading process-wide state, lets one JVM run schedulers with different
 * settings side by side.
 *
 * @param evenPodsSpread the {@code EvenPodsSpread} gate: registers the predicate of that name
 * @param kubeMaxPdVols the raw value of {@code KUBE_MAX_PD_VOLS}, or null when unset
 */
public record PredicateSettings(boolean evenPodsSpread, String kubeMaxPdVols) {

  /** v1.17's defaults: the gate off, the variable unset. */
  public static final PredicateSettings V1_17_DEFAULTS = new PredicateSettings(false, null);

  /** A copy with the {@code EvenPodsSpread} gate set. */
  public PredicateSettings withEvenPodsSpread(boolean enabled) {
    return new PredicateSettings(enabled, kubeMaxPdVols);
  }

  /** A copy with {@code KUBE_MAX_PD_VOLS} set to {@code raw} (null: unset). */
  public PredicateSettings withKubeMaxPdVols(String raw) {
    return new PredicateSettings(evenPodsSpread, raw);
  }
}
