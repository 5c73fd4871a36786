package io.kubelab.scheduler.extender.exercises;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;

import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;
import org.quicktheories.generators.SourceDSL;

/** Grades {@link Interest}: upstream's cases as a table, then generated pods. */
@Tag("exercise")
class InterestExerciseTest {

  static final String GPU = "nvidia.com/gpu";
  static final List<String> NAMES = List.of("cpu", "memory", GPU, "example.com/foo");

  static Container container(Map<String, String> requests, Map<String, String> limits) {
    Container c = new Container();
    c.setName("c");
    ResourceRequirements r = new ResourceRequirements();
    if (requests != null) {
      Map<String, Quantity> q = new LinkedHashMap<>();
      requests.forEach((k, v) -> q.put(k, new Quantity(v)));
      r.setRequests(q);
    }
    if (limits != null) {
      Map<String, Quantity> q = new LinkedHashMap<>();
      limits.forEach((k, v) -> q.put(k, new Quantity(v)));
      r.setLimits(q);
    }
    c.setResources(r);
    return c;
  }

  static Pod pod(List<Container> containers, List<Container> initContainers) {
    return new PodBuilder()
        .withNewMetadata()
        .withName("p")
        .endMetadata()
        .withNewSpec()
        .withContainers(containers)
        .withInitContainers(initContainers)
        .endSpec()
        .build();
  }

  @Test
  void theTable() {
    Set<String> gpu = Set.of(GPU);
    Pod plain = pod(List.of(container(Map.of("cpu", "1"), null)), List.of());
    Pod requests = pod(List.of(container(Map.of(GPU, "1"), null)), List.of());
    Pod limits = pod(List.of(container(null, Map.of(GPU, "1"))), List.of());
    Pod init =
        pod(
            List.of(container(Map.of("cpu", "1"), null)),
            List.of(container(Map.of(GPU, "1"), null)));
    Pod secondContainer =
        pod(
            List.of(container(Map.of("cpu", "1"), null), container(null, Map.of(GPU, "2"))),
            List.of());
    Pod noResources = pod(List.of(container(null, null)), List.of());

    assertThat(Interest.isInterested(Set.of(), plain)).as("manages nothing: every pod").isTrue();
    assertThat(Interest.isInterested(gpu, plain)).as("no managed resource").isFalse();
    assertThat(Interest.isInterested(gpu, requests)).as("in requests").isTrue();
    assertThat(Interest.isInterested(gpu, limits)).as("in limits").isTrue();
    assertThat(Interest.isInterested(gpu, init)).as("in an init container").isTrue();
    assertThat(Interest.isInterested(gpu, secondContainer)).as("in the second container").isTrue();
    assertThat(Interest.isInterested(gpu, noResources)).as("no resources at all").isFalse();
    assertThat(Interest.isInterested(Set.of("example.com/foo"), requests))
        .as("another resource")
        .isFalse();
  }

  static Gen<Map<String, String>> resources() {
    return SourceDSL.lists()
        .of(Generate.pick(NAMES))
        .ofSizeBetween(0, 3)
        .map(
            names -> {
              Map<String, String> m = new LinkedHashMap<>();
              names.forEach(n -> m.put(n, "1"));
              return m;
            });
  }

  static Gen<Container> containers() {
    return resources().zip(resources(), InterestExerciseTest::container);
  }

  @Test
  void generatedPods() {
    qt().withFixedSeed(707L)
        .withExamples(500)
        .forAll(
            SourceDSL.lists().of(containers()).ofSizeBetween(1, 3),
            SourceDSL.lists().of(containers()).ofSizeBetween(0, 2),
            SourceDSL.lists().of(Generate.pick(NAMES)).ofSizeBetween(0, 2))
        .checkAssert(
            (cs, inits, managedList) -> {
              Set<String> managed = new HashSet<>(managedList);
              // Every resource name any container mentions, requests and limits alike.
              Set<String> mentioned = new HashSet<>();
              List<Container> all = new ArrayList<>(cs);
              all.addAll(inits);
              for (Container c : all) {
                if (c.getResources().getRequests() != null) {
                  mentioned.addAll(c.getResources().getRequests().keySet());
                }
                if (c.getResources().getLimits() != null) {
                  mentioned.addAll(c.getResources().getLimits().keySet());
                }
              }
              boolean expected =
                  managed.isEmpty() || mentioned.stream().anyMatch(managed::contains);
              assertThat(Interest.isInterested(managed, pod(cs, inits)))
                  .as("managed %s, mentioned %s", managed, mentioned)
                  .isEqualTo(expected);
            });
  }
}
