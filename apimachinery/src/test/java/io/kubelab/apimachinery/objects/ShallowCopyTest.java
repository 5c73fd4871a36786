package io.kubelab.apimachinery.objects;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodCondition;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.Quantity;
import java.lang.reflect.Field;
import java.lang.reflect.Modifier;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

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

  /**
   * The classes copied by written-out calls carry every field their class declares: each field of
   * the original is set to a value of its own (no two fields share one, so a setter fed from the
   * wrong getter shows), and the copy must hold that very value. A field a new fabric8 release adds
   * is caught here, by reflection over the class, not by a list kept by hand.
   */
  @ParameterizedTest
  @ValueSource(
      classes = {Pod.class, PodSpec.class, PodStatus.class, ObjectMeta.class, PodCondition.class})
  void theWrittenOutCopiesCarryEveryDeclaredField(Class<?> type) throws Exception {
    assertThat(ShallowCopy.writtenOut(type)).as("%s is copied by written-out calls", type).isTrue();
    Object original = type.getDeclaredConstructor().newInstance();
    List<Field> fields = new ArrayList<>();
    int i = 0;
    for (Field f : type.getDeclaredFields()) {
      if (Modifier.isStatic(f.getModifiers())) {
        continue;
      }
      f.setAccessible(true);
      f.set(original, distinctValue(f, i++));
      fields.add(f);
    }
    assertThat(fields).hasSizeGreaterThan(5);

    Object copy = ShallowCopy.of(original);

    assertThat(copy).isNotSameAs(original).isExactlyInstanceOf(type);
    for (Field f : fields) {
      assertThat(f.get(copy))
          .as("%s.%s", type.getSimpleName(), f.getName())
          .isSameAs(f.get(original));
    }
  }

  /** A value for field {@code f} that no other field of the object holds. */
  private static Object distinctValue(Field f, int i) throws Exception {
    Class<?> t = f.getType();
    if (t == String.class) {
      return new String(f.getName() + "-" + i);
    } else if (t == Long.class) {
      return Long.valueOf(1_000_000L + i);
    } else if (t == Integer.class) {
      return Integer.valueOf(1_000_000 + i);
    } else if (t == Boolean.class) {
      // Boolean.valueOf gives two shared instances; the constructor, deprecated, a new one.
      return Boolean.class.getConstructor(boolean.class).newInstance(i % 2 == 0);
    } else if (t == List.class) {
      return new ArrayList<>();
    } else if (t == Map.class) {
      return new HashMap<>();
    }
    return t.getDeclaredConstructor().newInstance();
  }

  @Test
  void otherClassesAreCopiedThroughReflection() {
    io.fabric8.kubernetes.api.model.Container c = new io.fabric8.kubernetes.api.model.Container();
    c.setName("app");
    c.setImage("nginx");
    assertThat(ShallowCopy.writtenOut(c.getClass())).isFalse();
    assertThat(ShallowCopy.of(c)).isNotSameAs(c).isEqualTo(c);
  }

  static final class Private {
    static final String KIND = "private"; // static: not copied, not refused
    private String name;
    private int count;
    private List<String> items;
  }

  @Test
  void theReflectivePathCopiesPrivateFieldsAndSkipsStaticOnes() {
    Private p = new Private();
    p.name = "a";
    p.count = 3;
    p.items = new ArrayList<>(List.of("x"));
    Private c = (Private) ShallowCopy.copyReflectively(p);
    assertThat(c).isNotSameAs(p);
    assertThat(c.name).isEqualTo("a");
    assertThat(c.count).isEqualTo(3);
    assertThat(c.items).isSameAs(p.items);
  }
}
