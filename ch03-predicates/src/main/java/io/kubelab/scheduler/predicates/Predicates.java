package io.kubelab.scheduler.predicates;

import static io.kubelab.scheduler.algorithm.PredicateOrdering.*;

import io.kubelab.scheduler.algorithm.AlgorithmFactories.FitPredicateFactory;
import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import io.kubelab.scheduler.algorithm.AlgorithmRegistry;
import io.kubelab.scheduler.algorithm.FitPredicate;
import io.kubelab.scheduler.algorithm.PredicateOrdering;
import io.kubelab.scheduler.predicates.MaxPDVolumeCountChecker.VolumeFilter;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The predicates by upstream name, the order they run in, and their registration.
 *
 * <p>Upstream: the {@code *Pred} name constants, {@code predicatesOrdering} and {@code Ordering()}
 * in {@code pkg/scheduler/algorithm/predicates/predicates.go}, the registrations of {@code
 * pkg/scheduler/algorithmprovider/defaults/register_predicates.go}'s {@code init()} and the
 * EvenPodsSpread half of {@code ApplyFeatureGates} in {@code defaults.go} (v1.17). The order puts
 * cheap and most-restrictive predicates first, so that with short-circuiting a node is usually
 * rejected before the expensive inter-pod affinity check runs. A predicate that is not in the order
 * never runs.
 */
public final class Predicates {

  private Predicates() {}

  /**
   * {@code predicatesOrdering}, v1.17. ch02 owns the list (its generic scheduler runs predicates in
   * this order); {@code PredicatesTest} pins it to upstream's.
   */
  public static final List<String> ORDERING = PredicateOrdering.ordering();

  /**
   * {@code "PodFitsPorts"}: the 1.0 name of PodFitsHostPorts. v1.17 still registers it, for old
   * Policy files, but it is not in the order, so the generic scheduler never runs it.
   */
  public static final String POD_FITS_PORTS_PRED = PredicateOrdering.POD_FITS_PORTS_PRED;

  /**
   * One entry of {@code register_predicates.go}.
   *
   * @param name the upstream name
   * @param mandatory registered with {@code RegisterMandatoryFitPredicate}: runs whatever the
   *     provider or Policy says
   * @param factory builds the predicate from the factory args
   */
  record Registration(String name, boolean mandatory, FitPredicateFactory factory) {}

  /**
   * Everything v1.17 registers, in {@code register_predicates.go}'s order, with EvenPodsSpread at
   * the end when its gate is on. Not registered, as upstream: {@code
   * PodToleratesNodeNoExecuteTaints} (a function the DaemonSet controller calls, which a Policy
   * cannot name), and the Policy-only {@code CheckNodeLabelPresence} and {@code
   * CheckServiceAffinity}, which need arguments.
   */
  static List<Registration> registrations(PredicateSettings settings) {
    List<Registration> r = new ArrayList<>();
    r.add(plain(POD_FITS_PORTS_PRED, GeneralPredicates::podFitsHostPorts));
    r.add(plain(POD_FITS_HOST_PORTS_PRED, GeneralPredicates::podFitsHostPorts));
    r.add(plain(POD_FITS_RESOURCES_PRED, GeneralPredicates::podFitsResources));
    r.add(plain(HOST_NAME_PRED, GeneralPredicates::podFitsHost));
    r.add(plain(MATCH_NODE_SELECTOR_PRED, GeneralPredicates::podMatchNodeSelector));
    r.add(
        new Registration(
            NO_VOLUME_ZONE_CONFLICT_PRED,
            false,
            args -> new VolumeZonePredicate(volumeListers(args))));
    r.add(maxVolumeCount(MAX_EBS_VOLUME_COUNT_PRED, VolumeFilter.EBS, settings));
    r.add(maxVolumeCount(MAX_GCE_PD_VOLUME_COUNT_PRED, VolumeFilter.GCE_PD, settings));
    r.add(maxVolumeCount(MAX_AZURE_DISK_VOLUME_COUNT_PRED, VolumeFilter.AZURE_DISK, settings));
    r.add(
        new Registration(
            MAX_CSI_VOLUME_COUNT_PRED,
            false,
            args -> new CsiMaxVolumeLimitPredicate(volumeListers(args))));
    r.add(maxVolumeCount(MAX_CINDER_VOLUME_COUNT_PRED, VolumeFilter.CINDER, settings));
    r.add(
        new Registration(
            MATCH_INTER_POD_AFFINITY_PRED,
            false,
            args -> new InterPodAffinityPredicate(args::sharedLister)));
    r.add(plain(NO_DISK_CONFLICT_PRED, NoDiskConflict::noDiskConflict));
    r.add(plain(GENERAL_PRED, GeneralPredicates::generalPredicates));
    r.add(
        new Registration(
            POD_TOLERATES_NODE_TAINTS_PRED,
            true,
            args -> NodeTaintPredicates::podToleratesNodeTaints));
    r.add(
        new Registration(
            CHECK_NODE_UNSCHEDULABLE_PRED,
            true,
            args -> NodeTaintPredicates::checkNodeUnschedulable));
    r.add(
        new Registration(
            CHECK_VOLUME_BINDING_PRED,
            false,
            args -> new VolumeBindingPredicate(new SchedulerVolumeBinder(volumeListers(args)))));
    if (settings.evenPodsSpread()) {
      r.add(plain(EVEN_PODS_SPREAD_PRED, EvenPodsSpreadPredicate::evenPodsSpread));
    }
    return r;
  }

  private static Registration plain(String name, FitPredicate p) {
    return new Registration(name, false, args -> p);
  }

  private static Registration maxVolumeCount(
      String name, VolumeFilter filter, PredicateSettings settings) {
    return new Registration(
        name,
        false,
        args -> new MaxPDVolumeCountChecker(filter, volumeListers(args), settings.kubeMaxPdVols()));
  }

  /** The storage listers of the factory args; none (every claim unknown) when none were given. */
  static VolumeListers volumeListers(AlgorithmFactoryArgs args) {
    return args.listers().containsKey(VolumeListers.class)
        ? args.lister(VolumeListers.class)
        : VolumeListers.NONE;
  }

  /** {@link #registerAll(AlgorithmRegistry, PredicateSettings)} with v1.17's defaults. */
  public static void registerAll(AlgorithmRegistry registry) {
    registerAll(registry, PredicateSettings.V1_17_DEFAULTS);
  }

  /**
   * Registers every predicate v1.17 registers, under its upstream name, the two mandatory ones as
   * mandatory, and the metadata producer. The producer's ignored extended resources come from the
   * factory args, which ch02's {@code Configurator} fills from a Policy's extenders.
   *
   * <p>With the EvenPodsSpread gate on, the caller also adds the predicate to the providers, with
   * ch02's {@code AlgorithmProviders.applyFeatureGates}, as upstream's {@code ApplyFeatureGates}
   * does both.
   */
  public static void registerAll(AlgorithmRegistry registry, PredicateSettings settings) {
    for (Registration r : registrations(settings)) {
      if (r.mandatory()) {
        // Both mandatory predicates are plain functions: they need nothing from the args.
        registry.registerMandatoryFitPredicate(r.name(), r.factory().create(null));
      } else {
        registry.registerFitPredicateFactory(r.name(), r.factory());
      }
    }
    registry.registerPredicateMetadataProducerFactory(
        args -> new MetadataProducer(args.ignoredExtendedResources(), null));
  }

  /**
   * The registered predicates that can run (those in {@link #ORDERING}), built from {@code args},
   * in the order they run: what a provider naming all of them would give the generic scheduler.
   */
  public static Map<String, FitPredicate> all(
      AlgorithmFactoryArgs args, PredicateSettings settings) {
    Map<String, FitPredicateFactory> byName = new LinkedHashMap<>();
    for (Registration r : registrations(settings)) {
      byName.put(r.name(), r.factory());
    }
    Map<String, FitPredicate> out = new LinkedHashMap<>();
    for (String name : ORDERING) {
      FitPredicateFactory f = byName.get(name);
      if (f != null) {
        out.put(name, f.create(args));
      }
    }
    return out;
  }

  /** {@link #all(AlgorithmFactoryArgs, PredicateSettings)} with v1.17's defaults. */
  public static Map<String, FitPredicate> all(AlgorithmFactoryArgs args) {
    return all(args, PredicateSettings.V1_17_DEFAULTS);
  }

  /** The names of {@code predicates} that run, in the order they run. */
  public static List<String> ordered(Set<String> predicates) {
    return ORDERING.stream().filter(predicates::contains).toList();
  }
}
