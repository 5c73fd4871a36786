package io.kubelab.scheduler.extender.exercises;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Set;

/**
 * Write it: decide whether an extender is interested in a pod, as upstream's {@code
 * HTTPExtender.IsInterested} does (chapter 07, "Managed resources and ignorable extenders"). {@code
 * InterestExerciseTest} grades it.
 */
public final class Interest {

  private Interest() {}

  /**
   * Whether an extender that manages {@code managedResources} is called for {@code pod}.
   *
   * @param managedResources the names in the extender's {@code managedResources}
   * @param pod the pod being scheduled
   * @return true when the extender manages nothing, or when a container or an init container of the
   *     pod names one of the managed resources in its requests or its limits
   */
  public static boolean isInterested(Set<String> managedResources, Pod pod) {
    throw new UnsupportedOperationException("exercise");
  }
}
