package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.predicates.TestSupport.nodeInfo;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.PredicateFailureReason;
import io.kubelab.scheduler.algorithm.PredicateFailureReason.InsufficientResourceError;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * PodFitsResources, with the cases of upstream's {@code TestPodFitsResources} ({@code
 * predicates_test.go}, v1.17): a node of 10 milli-CPU, 20 bytes of memory, 32 pods, 5 of {@code
 * example.com/aaa}, 20 bytes of ephemeral storage and 5 {@code hugepages-2Mi}.
 */
class PodFitsResourcesTest {

  static final String EXTENDED_A = "example.com/aaa";
  static final String EXTENDED_B = "example.com/bbb";
  static final String HUGEPAGES = "hugepages-2Mi";

  static Node machine() {
    return node("machine1")
        .allocatable("10m", "20")
        .pods(32)
        .scalar(EXTENDED_A, "5")
        .ephemeralStorage("20")
        .scalar(HUGEPAGES, "5")
        .build();
  }

  /** A pod with one container requesting {@code milliCpu}m and {@code memory} bytes. */
  static Fixtures.PodFixture req(String name, long milliCpu, long memory) {
    return pod(name).requests(milliCpu + "m", String.valueOf(memory));
  }

  static Pod existing(long milliCpu, long memory) {
    return req("existing", milliCpu, memory).nodeName("machine1").build();
  }

  static PredicateResult check(Pod p, NodeInfo ni) {
    return GeneralPredicates.podFitsResources(p, null, ni);
  }

  @Test
  void noResourcesRequestedAlwaysFits() {
    Pod p = pod("p").build();
    assertThat(check(p, nodeInfo(machine(), existing(10, 20))).fits()).isTrue();
  }

  @Test
  void tooManyResourcesFailsWithOneReasonPerResource() {
    PredicateResult r = check(req("p", 1, 1).build(), nodeInfo(machine(), existing(10, 20)));
    assertThat(r.reasons())
        .containsExactly(
            new InsufficientResourceError("cpu", 1, 10, 10),
            new InsufficientResourceError("memory", 1, 20, 20));
    assertThat(TestSupport.reasons(r)).containsExactly("Insufficient cpu", "Insufficient memory");
  }

  @Test
  void initContainerCpuCountsAsTheMaximumNotTheSum() {
    Pod tooBig = req("p", 1, 1).initContainer("init").requests("3m", "1").build();
    assertThat(check(tooBig, nodeInfo(machine(), existing(8, 19))).reasons())
        .containsExactly(new InsufficientResourceError("cpu", 3, 8, 10));
    Pod highestInit =
        req("p", 1, 1)
            .initContainer("i1")
            .requests("3m", "1")
            .initContainer("i2")
            .requests("2m", "1")
            .build();
    assertThat(check(highestInit, nodeInfo(machine(), existing(8, 19))).reasons())
        .containsExactly(new InsufficientResourceError("cpu", 3, 8, 10));
    Pod initMemory = req("p", 1, 1).initContainer("init").requests("1m", "3").build();
    assertThat(check(initMemory, nodeInfo(machine(), existing(9, 19))).reasons())
        .containsExactly(new InsufficientResourceError("memory", 3, 19, 20));
    Pod fitsBecauseMax = req("p", 1, 1).initContainer("init").requests("1m", "1").build();
    assertThat(check(fitsBecauseMax, nodeInfo(machine(), existing(9, 19))).fits()).isTrue();
  }

  @Test
  void oneResourceShortGivesOneReason() {
    assertThat(check(req("p", 1, 1).build(), nodeInfo(machine(), existing(5, 5))).fits()).isTrue();
    assertThat(check(req("p", 2, 1).build(), nodeInfo(machine(), existing(9, 5))).reasons())
        .containsExactly(new InsufficientResourceError("cpu", 2, 9, 10));
    assertThat(check(req("p", 1, 2).build(), nodeInfo(machine(), existing(5, 19))).reasons())
        .containsExactly(new InsufficientResourceError("memory", 2, 19, 20));
  }

  @Test
  void exactlyFullIsStillAFit() {
    assertThat(check(req("p", 5, 1).build(), nodeInfo(machine(), existing(5, 19))).fits()).isTrue();
    Pod init = req("p", 4, 1).initContainer("init").requests("5m", "1").build();
    assertThat(check(init, nodeInfo(machine(), existing(5, 19))).fits()).isTrue();
  }

  @Test
  void extendedResourcesAreCheckedAgainstAllocatable() {
    Pod one = req("p", 1, 1).request(EXTENDED_A, "1").build();
    assertThat(check(one, nodeInfo(machine(), existing(0, 0))).fits()).isTrue();
    Pod ten = req("p", 1, 1).request(EXTENDED_A, "10").build();
    assertThat(check(ten, nodeInfo(machine(), existing(0, 0))).reasons())
        .containsExactly(new InsufficientResourceError(EXTENDED_A, 10, 0, 5));
    Pod usedUp = req("p", 1, 1).request(EXTENDED_A, "1").build();
    Pod holder = pod("holder").request(EXTENDED_A, "5").nodeName("machine1").build();
    assertThat(check(usedUp, nodeInfo(machine(), holder)).reasons())
        .containsExactly(new InsufficientResourceError(EXTENDED_A, 1, 5, 5));
    Pod unknown = req("p", 1, 1).request(EXTENDED_B, "1").build();
    assertThat(TestSupport.reasons(check(unknown, nodeInfo(machine()))))
        .containsExactly("Insufficient " + EXTENDED_B);
  }

  @Test
  void initContainerExtendedResourceCountsToo() {
    Pod p = req("p", 1, 1).initContainer("init").request(EXTENDED_A, "10").build();
    assertThat(check(p, nodeInfo(machine())).reasons())
        .containsExactly(new InsufficientResourceError(EXTENDED_A, 10, 0, 5));
  }

  @Test
  void hugepagesAreEnforced() {
    Pod p = req("p", 1, 1).request(HUGEPAGES, "10").build();
    assertThat(check(p, nodeInfo(machine())).reasons())
        .containsExactly(new InsufficientResourceError(HUGEPAGES, 10, 0, 5));
  }

  @Test
  void ignoredExtendedResourcesAreSkippedButOnlyThroughMetadata() {
    Pod p = req("p", 1, 1).request(EXTENDED_B, "2").build();
    Node n = machine();
    PodPredicateMetadata m =
        new MetadataProducer(Set.of(EXTENDED_B), null)
            .produce(p, Snapshot.of(List.of(), List.of(n)));
    assertThat(GeneralPredicates.podFitsResources(p, m, nodeInfo(n)).fits()).isTrue();
    assertThat(GeneralPredicates.podFitsResources(p, null, nodeInfo(n)).fits()).isFalse();
  }

  @Test
  void hugepagesCannotBeIgnored() {
    Pod p = req("p", 1, 1).request(HUGEPAGES, "10").build();
    Node n = machine();
    PodPredicateMetadata m =
        new MetadataProducer(Set.of(HUGEPAGES), null)
            .produce(p, Snapshot.of(List.of(), List.of(n)));
    assertThat(GeneralPredicates.podFitsResources(p, m, nodeInfo(n)).fits()).isFalse();
  }

  @Test
  void podCountIsCheckedFirstAndEvenForPodsThatRequestNothing() {
    Node onePod = node("machine1").allocatable("10m", "20").pods(1).build();
    PredicateResult empty = check(pod("p").build(), nodeInfo(onePod, existing(10, 20)));
    assertThat(empty.reasons()).containsExactly(new InsufficientResourceError("pods", 1, 1, 1));
    PredicateResult both = check(req("p", 1, 1).build(), nodeInfo(onePod, existing(10, 20)));
    assertThat(TestSupport.reasons(both))
        .containsExactly("Insufficient pods", "Insufficient cpu", "Insufficient memory");
  }

  @Test
  void ephemeralStorageIsEnforced() {
    Pod p = req("p", 1, 1).request("ephemeral-storage", "10").build();
    Pod holder = pod("holder").request("ephemeral-storage", "15").nodeName("machine1").build();
    assertThat(check(p, nodeInfo(machine(), holder)).reasons())
        .containsExactly(new InsufficientResourceError("ephemeral-storage", 10, 15, 20));
  }

  @Test
  void errorTextMatchesUpstream() {
    PredicateFailureReason r = new InsufficientResourceError("cpu", 1, 10, 10);
    assertThat(r.toString())
        .isEqualTo("Node didn't have enough resource: cpu, requested: 1, used: 10, capacity: 10");
  }

  @Test
  void aMissingNodeIsAnErrorNotAFailure() {
    assertThatThrownBy(() -> check(req("p", 1, 1).build(), new NodeInfo()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("node not found")
        .hasMessageContaining("default/p");
  }
}
