package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.Selector;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.logging.Logger;

/**
 * Which pods a PodDisruptionBudget protects from preemption.
 *
 * <p>Upstream: {@code filterPodsWithPDBViolation} in {@code
 * pkg/scheduler/core/generic_scheduler.go} (v1.17). A pod is "violating" when some PDB of its
 * namespace, with a non-empty selector that matches the pod's labels, allows no more disruptions
 * ({@code status.disruptionsAllowed <= 0}). v1.17 looks at nothing else: not how many victims one
 * PDB covers, not {@code disruptedPods} (v1.19 added both). A pod without labels matches no PDB; a
 * PDB whose selector does not compile is skipped, as upstream does. The selectors are compiled once
 * per preemption attempt, not once per pod and node.
 */
public final class PdbViolations {

  private static final Logger LOG = Logger.getLogger(PdbViolations.class.getName());

  /** No PDBs: every pod may be disrupted. */
  public static final PdbViolations NONE = new PdbViolations(List.of());

  private record CompiledPdb(String namespace, Selector selector, int disruptionsAllowed) {}

  private final List<CompiledPdb> pdbs;

  private PdbViolations(List<CompiledPdb> pdbs) {
    this.pdbs = pdbs;
  }

  /** Compiles the selectors of {@code pdbs}; a PDB whose selector is malformed is left out. */
  public static PdbViolations of(List<PodDisruptionBudget> pdbs) {
    List<CompiledPdb> compiled = new ArrayList<>(pdbs.size());
    for (PodDisruptionBudget pdb : pdbs) {
      String namespace = pdb.getMetadata() == null ? null : pdb.getMetadata().getNamespace();
      String name = pdb.getMetadata() == null ? null : pdb.getMetadata().getName();
      Selector selector;
      try {
        selector =
            LabelSelectors.compile(
                pdb.getSpec() == null ? null : pdb.getSpec().getSelector(),
                "PodDisruptionBudget " + namespace + "/" + name + ": spec.selector");
      } catch (IllegalArgumentException e) {
        // Upstream skips it silently (LabelSelectorAsSelector error → continue); we say so.
        LOG.warning(() -> "ignoring for preemption: " + e.getMessage());
        continue;
      }
      Integer allowed = pdb.getStatus() == null ? null : pdb.getStatus().getDisruptionsAllowed();
      compiled.add(
          new CompiledPdb(
              namespace == null ? "" : namespace, selector, allowed == null ? 0 : allowed));
    }
    return new PdbViolations(List.copyOf(compiled));
  }

  /**
   * The pods whose eviction some PDB forbids, and the others; both keep the order of {@code pods}.
   */
  public record Split(List<Pod> violating, List<Pod> nonViolating) {}

  /**
   * {@code filterPodsWithPDBViolation}: splits {@code pods} into those a PDB protects and the rest,
   * keeping the input order in both (so a list sorted by importance stays sorted).
   */
  public Split filterPodsWithPDBViolation(List<Pod> pods) {
    List<Pod> violating = new ArrayList<>();
    List<Pod> nonViolating = new ArrayList<>();
    for (Pod pod : pods) {
      if (isViolated(pod)) {
        violating.add(pod);
      } else {
        nonViolating.add(pod);
      }
    }
    return new Split(violating, nonViolating);
  }

  private boolean isViolated(Pod pod) {
    Map<String, String> labels = pod.getMetadata().getLabels();
    if (labels == null || labels.isEmpty()) {
      return false;
    }
    String namespace = Objects.requireNonNullElse(pod.getMetadata().getNamespace(), "");
    for (CompiledPdb pdb : pdbs) {
      if (!pdb.namespace().equals(namespace)) {
        continue;
      }
      // A nil selector matches nothing, an empty one is skipped: a PDB must select something.
      if (pdb.selector().isEmpty() || !pdb.selector().matches(labels)) {
        continue;
      }
      if (pdb.disruptionsAllowed() <= 0) {
        return true;
      }
    }
    return false;
  }
}
