package io.kubelab.kubelet.container;

/**
 * What the kubelet tells the runtime about a container it starts.
 *
 * <p>Upstream: the CRI's {@code runtimeapi.ContainerConfig} as {@code
 * pkg/kubelet/kuberuntime/kuberuntime_container.go} ({@code generateContainerConfig}) fills it, cut
 * down to what this model uses: the name, the image, the restart attempt, and the {@code
 * oom_score_adj} from the QoS policy ({@code LinuxContainerResources.OomScoreAdj}).
 */
public record ContainerConfig(String name, String image, int attempt, int oomScoreAdj) {

  public ContainerConfig {
    if (name == null || name.isEmpty()) {
      throw new IllegalArgumentException("ContainerConfig: name must not be empty");
    }
  }
}
