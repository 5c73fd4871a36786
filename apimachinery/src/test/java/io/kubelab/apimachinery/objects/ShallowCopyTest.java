package io.kubelab.apimachinery.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.Quantity;
import java.util.List;
import org.junit.jupiter.api.Test;

class ShallowCopyTest {

  private static Pod pod() {
    Pod p =
        new PodBuilder()
            .withNewMetadata()
            .withName("web-1")
            .withNamespace("default")
            .addToLabels("app", "web")
            .endMetadata()
            .withNewSpec()
            .withSchedulerName("default-scheduler")
            .withPriority(7)
            .withHostNetwork(true)
            .withNodeSelector(java.util.Map.of("disk", "ssd"))
            .withContainers(
                new ContainerBuilder()
                    .withName("app")
                    .withNewResources()
                    .addToRequests("cpu", new Quantity("500m"))
                    .endResources()
                    .build())
            .endSpec()
            .withNewStatus()
            .withPhase("Pending")
            .endStatus()
            .build();
    p.getSpec().setAdditionalProperty("x-extra", 1);
    return p;
  }

  @Test
  void theCopyIsANewObjectEqualToTheOriginalFieldByField() {
    Pod original = pod();
    Pod copy = ShallowCopy.of(original);
    assertThat(copy).isNotSameAs(original).isEqualTo(original);
    assertThat(copy.getApiVersion()).isEqualTo("v1");
    assertThat(copy.getKind()).isEqualTo("Pod");

    PodSpec spec = ShallowCopy.of(original.getSpec());
    assertThat(spec).isNotSameAs(original.getSpec()).isEqualTo(original.getSpec());
    assertThat(spec.getPriority()).isEqualTo(7);
    assertThat(spec.getHostNetwork()).isTrue();
    assertThat(spec.getNodeSelector()).containsEntry("disk", "ssd");
    assertThat(spec.getAdditionalProperties()).containsEntry("x-extra", 1);
  }

  @Test
  void settingAFieldOfTheCopyLeavesTheOriginalAlone() {
    Pod original = pod();
    Pod copy = ShallowCopy.of(original);
    copy.setSpec(ShallowCopy.of(original.getSpec()));
    copy.getSpec().setNodeName("node-3");
    copy.setStatus(null);

    assertThat(original.getSpec().getNodeName()).isNull();
    assertThat(original.getStatus().getPhase()).isEqualTo("Pending");
    assertThat(copy.getSpec().getNodeName()).isEqualTo("node-3");
  }

  @Test
  void whatTheFieldsReferToIsShared() {
    Pod original = pod();
    PodSpec spec = ShallowCopy.of(original.getSpec());
    assertThat(spec.getContainers()).isSameAs(original.getSpec().getContainers());
    assertThat(ShallowCopy.of(original).getMetadata()).isSameAs(original.getMetadata());
  }

  @Test
  void nullCopiesToNull() {
    assertThat(ShallowCopy.<Pod>of(null)).isNull();
  }

  static final class NoDefaultConstructor {
    String name;

    NoDefaultConstructor(String name) {
      this.name = name;
    }
  }

  static final class FinalField {
    final List<String> items = List.of();
  }

  @Test
  void aClassItCannotCopyIsRefusedByName() {
    assertThatThrownBy(() -> ShallowCopy.of(new NoDefaultConstructor("a")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("NoDefaultConstructor")
        .hasMessageContaining("no constructor without arguments");
    assertThatThrownBy(() -> ShallowCopy.of(new FinalField()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("field items is final");
    // java.base does not open java.util to this module: named, not an InaccessibleObjectException.
    assertThatThrownBy(() -> ShallowCopy.of(new java.util.ArrayList<String>()))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("cannot copy java.util.ArrayList: ");
  }
}
