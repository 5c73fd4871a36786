package io.kubelab.kubelet.config;

import java.util.function.Consumer;

/**
 * Where the kubelet learns which pods are bound to its node: the API server in a cluster, a
 * scripted list in tests.
 *
 * <p>Upstream: {@code pkg/kubelet/config/config.go} ({@code PodConfig}, which merges the API
 * server, file and HTTP sources into one channel of {@link PodUpdate}s). Only one source is
 * modelled; static pods (file, HTTP) are not.
 */
public interface PodSource {

  /**
   * Starts delivering updates to {@code updates}, which must not be called concurrently; the
   * returned handle stops them. {@code updates} does not block.
   */
  AutoCloseable watch(Consumer<PodUpdate> updates);
}
