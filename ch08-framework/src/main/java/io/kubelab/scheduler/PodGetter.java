package io.kubelab.scheduler;

import io.fabric8.kubernetes.api.model.Pod;
import java.util.Optional;

/**
 * Reads a pod from the API server: what the error func does before it puts a failed pod back.
 *
 * <p>Upstream: {@code client.CoreV1().Pods(ns).Get(name)} in {@code MakeDefaultErrorFunc}, {@code
 * pkg/scheduler/factory.go} (v1.18).
 */
@FunctionalInterface
public interface PodGetter {

  /**
   * @return the pod as the API server has it, or empty when it does not exist (NotFound)
   * @throws RuntimeException any other failure; the caller retries with backoff
   */
  Optional<Pod> get(String namespace, String name);
}
