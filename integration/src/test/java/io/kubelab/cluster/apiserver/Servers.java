package io.kubelab.cluster.apiserver;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;

/** Test helpers: a fabric8 client for a running server. */
final class Servers {
  private Servers() {}

  /** A client for {@code server}, without retries (an error must show, not be retried away). */
  static KubernetesClient client(ApiServer server) {
    Config config =
        new ConfigBuilder(Config.empty())
            .withMasterUrl(server.url())
            .withNamespace("default")
            .withRequestRetryBackoffLimit(0)
            .withConnectionTimeout(10_000)
            .withRequestTimeout(30_000)
            .build();
    return new KubernetesClientBuilder().withConfig(config).build();
  }
}
