package io.kubelab.scheduler.predicates;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static io.kubelab.scheduler.predicates.StorageFixtures.pv;
import static io.kubelab.scheduler.predicates.StorageFixtures.pvc;
import static io.kubelab.scheduler.predicates.StorageFixtures.storageClass;
import static io.kubelab.scheduler.predicates.TestSupport.nodeInfo;
import static io.kubelab.scheduler.predicates.TestSupport.reasons;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.PredicateResult;
import io.kubelab.scheduler.predicates.SchedulerVolumeBinder.PodVolumes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * CheckVolumeBinding and the binder behind it: upstream's {@code
 * TestFindPodVolumesWithoutProvisioning} and {@code TestFindPodVolumesWithProvisioning} ({@code
 * pkg/controller/volume/scheduling/scheduler_binder_test.go}, v1.17) scenario for scenario, with
 * the same fixtures, then the predicate's reasons.
 */
class VolumeBindingTest {

  static final String NODE_LABEL_KEY = "nodeKey";
  static final String WAIT = "waitClass";
  static final String IMMEDIATE = "immediateClass";
  static final String WAIT_WITH_PROVISIONER = "waitClassWithProvisioner";
  static final String TOPO_MISMATCH = "topoMismatchClass";

  static final List<StorageClass> CLASSES =
      List.of(
          storageClass(WAIT_WITH_PROVISIONER)
              .waitForFirstConsumer()
              .provisioner("test-provisioner")
              .allowedTopology(NODE_LABEL_KEY, "node1", "reference-value")
              .build(),
          storageClass(IMMEDIATE).immediate().build(),
          storageClass(WAIT)
              .waitForFirstConsumer()
              .provisioner("kubernetes.io/no-provisioner")
              .build(),
          storageClass(TOPO_MISMATCH)
              .waitForFirstConsumer()
              .provisioner("test-provisioner")
              .allowedTopology(NODE_LABEL_KEY, "reference-value")
              .build());

  static StorageFixtures.ClaimFixture claim(String name, String size, String className) {
    return pvc("testns", name).request(size).storageClass(className).volumeMode("Filesystem");
  }

  static final PersistentVolumeClaim UNBOUND = claim("unbound-pvc", "1G", WAIT).build();
  static final PersistentVolumeClaim UNBOUND_2 = claim("unbound-pvc2", "5G", WAIT).build();
  static final PersistentVolumeClaim PREBOUND =
      claim("prebound-pvc", "1G", WAIT).prebound("pv-node1a").build();
  static final PersistentVolumeClaim BOUND =
      claim("bound-pvc", "1G", WAIT).bound("pv-bound").build();
  static final PersistentVolumeClaim IMMEDIATE_UNBOUND =
      claim("immediate-unbound-pvc", "1G", IMMEDIATE).build();
  static final PersistentVolumeClaim IMMEDIATE_BOUND =
      claim("immediate-bound-pvc", "1G", IMMEDIATE).bound("pv-bound-immediate").build();
  static final PersistentVolumeClaim PROVISIONED =
      claim("provisioned-pvc", "1Gi", WAIT_WITH_PROVISIONER).build();
  static final PersistentVolumeClaim NO_PROVISIONER =
      claim("no-provisioner-pvc", "1Gi", WAIT).build();
  static final PersistentVolumeClaim TOPO_MISMATCH_PVC =
      claim("topo-mismatch-pvc", "1Gi", TOPO_MISMATCH).build();
  static final PersistentVolumeClaim SELECTED_NODE =
      claim("provisioned-pvc", "1Gi", WAIT_WITH_PROVISIONER).selectedNode("node1").build();

  static StorageFixtures.VolumeFixture volume(
      String name, String node, String size, String className) {
    StorageFixtures.VolumeFixture v =
        pv(name).capacity(size).storageClass(className).volumeMode("Filesystem");
    return node.isEmpty() ? v : v.nodeAffinity(NODE_LABEL_KEY, node);
  }

  static final PersistentVolume PV_NODE_1A = volume("pv-node1a", "node1", "5G", WAIT).build();
  static final PersistentVolume PV_NODE_1B = volume("pv-node1b", "node1", "10G", WAIT).build();
  static final PersistentVolume PV_NODE_2 = volume("pv-node2", "node2", "1G", WAIT).build();
  static final PersistentVolume PV_BOUND =
      volume("pv-bound", "node1", "1G", WAIT).claimRef(BOUND).build();
  static final PersistentVolume PV_NODE_1A_BOUND =
      volume("pv-node1a", "node1", "5G", WAIT).claimRef(UNBOUND).build();
  static final PersistentVolume PV_BOUND_IMMEDIATE =
      volume("pv-bound-immediate", "node1", "1G", IMMEDIATE).claimRef(IMMEDIATE_BOUND).build();
  static final PersistentVolume PV_BOUND_IMMEDIATE_NODE_2 =
      volume("pv-bound-immediate", "node2", "1G", IMMEDIATE).claimRef(IMMEDIATE_BOUND).build();

  static final Node NODE_1 =
      node("node1").withoutLabel(Fixtures.LABEL_HOSTNAME).label(NODE_LABEL_KEY, "node1").build();

  /** {@code makePod}: one volume per claim. */
  static Pod podWith(List<PersistentVolumeClaim> claims) {
    Fixtures.PodFixture f = pod("test-pod").namespace("testns").nodeName("node1");
    for (int i = 0; i < claims.size(); i++) {
      f.pvcVolume("vol" + i, claims.get(i).getMetadata().getName());
    }
    return f.build();
  }

  /**
   * One scenario: the claims the pod uses, the claims and volumes that exist, and what the binder
   * must answer (null bindings: an error).
   */
  record Scenario(
      String name,
      List<PersistentVolumeClaim> podPvcs,
      List<PersistentVolumeClaim> cachedPvcs,
      List<PersistentVolume> pvs,
      boolean expectedUnbound,
      boolean expectedBound,
      boolean shouldFail,
      List<String> expectedBindings,
      List<String> expectedProvisions) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Scenario ok(
      String name,
      List<PersistentVolumeClaim> podPvcs,
      List<PersistentVolume> pvs,
      boolean unbound,
      boolean bound,
      List<String> bindings,
      List<String> provisions) {
    return new Scenario(name, podPvcs, podPvcs, pvs, unbound, bound, false, bindings, provisions);
  }

  static Scenario fails(
      String name, List<PersistentVolumeClaim> podPvcs, List<PersistentVolume> pvs) {
    return new Scenario(name, podPvcs, podPvcs, pvs, false, false, true, List.of(), List.of());
  }

  static String binding(PersistentVolumeClaim c, PersistentVolume v) {
    return c.getMetadata().getName() + "->" + v.getMetadata().getName();
  }

  static Stream<Scenario> withoutProvisioning() {
    List<Scenario> s = new ArrayList<>();
    s.add(
        new Scenario(
            "no-volumes",
            List.of(),
            List.of(),
            List.of(),
            true,
            true,
            false,
            List.of(),
            List.of()));
    s.add(
        new Scenario(
            "pvc-not-found",
            List.of(BOUND),
            List.of(),
            List.of(),
            false,
            false,
            true,
            List.of(),
            List.of()));
    s.add(ok("bound-pvc", List.of(BOUND), List.of(PV_BOUND), true, true, List.of(), List.of()));
    s.add(fails("bound-pvc,pv-not-exists", List.of(BOUND), List.of()));
    s.add(fails("prebound-pvc", List.of(PREBOUND), List.of(PV_NODE_1A_BOUND)));
    s.add(
        ok(
            "unbound-pvc,pv-same-node",
            List.of(UNBOUND),
            List.of(PV_NODE_2, PV_NODE_1A, PV_NODE_1B),
            true,
            true,
            List.of(binding(UNBOUND, PV_NODE_1A)),
            List.of()));
    s.add(
        ok(
            "unbound-pvc,pv-different-node",
            List.of(UNBOUND),
            List.of(PV_NODE_2),
            false,
            true,
            List.of(),
            List.of()));
    s.add(
        ok(
            "two-unbound-pvcs",
            List.of(UNBOUND, UNBOUND_2),
            List.of(PV_NODE_1A, PV_NODE_1B),
            true,
            true,
            List.of(binding(UNBOUND, PV_NODE_1A), binding(UNBOUND_2, PV_NODE_1B)),
            List.of()));
    s.add(
        ok(
            "two-unbound-pvcs,order-by-size",
            List.of(UNBOUND_2, UNBOUND),
            List.of(PV_NODE_1A, PV_NODE_1B),
            true,
            true,
            List.of(binding(UNBOUND, PV_NODE_1A), binding(UNBOUND_2, PV_NODE_1B)),
            List.of()));
    s.add(
        ok(
            "two-unbound-pvcs,partial-match",
            List.of(UNBOUND, UNBOUND_2),
            List.of(PV_NODE_1A),
            false,
            true,
            List.of(binding(UNBOUND, PV_NODE_1A)),
            List.of()));
    s.add(
        ok(
            "one-bound,one-unbound",
            List.of(UNBOUND, BOUND),
            List.of(PV_BOUND, PV_NODE_1A),
            true,
            true,
            List.of(binding(UNBOUND, PV_NODE_1A)),
            List.of()));
    s.add(
        ok(
            "one-bound,one-unbound,no-match",
            List.of(UNBOUND, BOUND),
            List.of(PV_BOUND, PV_NODE_2),
            false,
            true,
            List.of(),
            List.of()));
    s.add(
        fails(
            "one-prebound,one-unbound",
            List.of(UNBOUND, PREBOUND),
            List.of(PV_NODE_1A, PV_NODE_1B)));
    s.add(
        ok(
            "immediate-bound-pvc",
            List.of(IMMEDIATE_BOUND),
            List.of(PV_BOUND_IMMEDIATE),
            true,
            true,
            List.of(),
            List.of()));
    s.add(
        ok(
            "immediate-bound-pvc-wrong-node",
            List.of(IMMEDIATE_BOUND),
            List.of(PV_BOUND_IMMEDIATE_NODE_2),
            true,
            false,
            List.of(),
            List.of()));
    s.add(fails("immediate-unbound-pvc", List.of(IMMEDIATE_UNBOUND), List.of()));
    s.add(
        fails(
            "immediate-unbound-pvc,delayed-mode-bound",
            List.of(IMMEDIATE_UNBOUND, BOUND),
            List.of(PV_BOUND)));
    s.add(
        fails(
            "immediate-unbound-pvc,delayed-mode-unbound",
            List.of(IMMEDIATE_UNBOUND, UNBOUND),
            List.of()));
    return s.stream();
  }

  static Stream<Scenario> withProvisioning() {
    List<Scenario> s = new ArrayList<>();
    s.add(
        ok(
            "one-provisioned",
            List.of(PROVISIONED),
            List.of(),
            true,
            true,
            List.of(),
            List.of("provisioned-pvc")));
    s.add(
        ok(
            "two-unbound-pvcs,one-matched,one-provisioned",
            List.of(UNBOUND, PROVISIONED),
            List.of(PV_NODE_1A),
            true,
            true,
            List.of(binding(UNBOUND, PV_NODE_1A)),
            List.of("provisioned-pvc")));
    s.add(
        ok(
            "one-bound,one-provisioned",
            List.of(BOUND, PROVISIONED),
            List.of(PV_BOUND),
            true,
            true,
            List.of(),
            List.of("provisioned-pvc")));
    s.add(
        ok(
            "one-binding,one-selected-node",
            List.of(BOUND, SELECTED_NODE),
            List.of(PV_BOUND),
            true,
            true,
            List.of(),
            List.of("provisioned-pvc")));
    s.add(fails("immediate-unbound-pvc", List.of(IMMEDIATE_UNBOUND), List.of()));
    s.add(
        ok(
            "one-immediate-bound,one-provisioned",
            List.of(IMMEDIATE_BOUND, PROVISIONED),
            List.of(PV_BOUND_IMMEDIATE),
            true,
            true,
            List.of(),
            List.of("provisioned-pvc")));
    s.add(
        ok(
            "invalid-provisioner",
            List.of(NO_PROVISIONER),
            List.of(),
            false,
            true,
            List.of(),
            List.of()));
    s.add(
        ok(
            "volume-topology-unsatisfied",
            List.of(TOPO_MISMATCH_PVC),
            List.of(),
            false,
            true,
            List.of(),
            List.of()));
    return s.stream();
  }

  static void run(Scenario s) {
    VolumeListers listers = VolumeListers.of(s.cachedPvcs(), s.pvs(), CLASSES);
    SchedulerVolumeBinder binder = new SchedulerVolumeBinder(listers);
    Pod pod = podWith(s.podPvcs());
    if (s.shouldFail()) {
      assertThatThrownBy(() -> binder.findPodVolumes(pod, NODE_1))
          .isInstanceOf(IllegalStateException.class);
      return;
    }
    PodVolumes v = binder.findPodVolumes(pod, NODE_1);
    assertThat(v.unboundVolumesSatisfied()).as("unbound satisfied").isEqualTo(s.expectedUnbound());
    assertThat(v.boundVolumesSatisfied()).as("bound satisfied").isEqualTo(s.expectedBound());
    assertThat(v.bindings().stream().map(b -> binding(b.pvc(), b.pv())).toList())
        .as("bindings")
        .isEqualTo(s.expectedBindings());
    assertThat(v.provisions().stream().map(c -> c.getMetadata().getName()).toList())
        .as("claims to provision")
        .isEqualTo(s.expectedProvisions());
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void withoutProvisioning(Scenario s) {
    run(s);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource
  void withProvisioning(Scenario s) {
    run(s);
  }

  @Test
  void aPodWithoutClaimsNeedsNoListers() {
    Pod p = pod("p").emptyDirVolume("scratch").build();
    PodVolumes v = new SchedulerVolumeBinder(VolumeListers.NONE).findPodVolumes(p, NODE_1);
    assertThat(v.unboundVolumesSatisfied()).isTrue();
    assertThat(v.boundVolumesSatisfied()).isTrue();
  }

  @Test
  void errorsCarryUpstreamsWords() {
    SchedulerVolumeBinder b =
        new SchedulerVolumeBinder(
            VolumeListers.of(List.of(BOUND, IMMEDIATE_UNBOUND), List.of(), CLASSES));
    assertThatThrownBy(() -> b.findPodVolumes(podWith(List.of(UNBOUND)), NODE_1))
        .hasMessage(
            "error getting PVC \"testns/unbound-pvc\": could not find"
                + " v1.PersistentVolumeClaim \"testns/unbound-pvc\"");
    assertThatThrownBy(() -> b.findPodVolumes(podWith(List.of(BOUND)), NODE_1))
        .hasMessage("could not find v1.PersistentVolume \"pv-bound\"");
    assertThatThrownBy(() -> b.findPodVolumes(podWith(List.of(IMMEDIATE_UNBOUND)), NODE_1))
        .hasMessage("pod has unbound immediate PersistentVolumeClaims");
  }

  // ---- the predicate

  static PredicateResult predicate(
      List<PersistentVolumeClaim> claims, List<PersistentVolume> pvs, Pod pod, Node node) {
    VolumeListers l = VolumeListers.of(claims, pvs, CLASSES);
    return new VolumeBindingPredicate(new SchedulerVolumeBinder(l))
        .check(pod, null, nodeInfo(node));
  }

  @Test
  void theTwoAnswersBecomeTwoReasons() {
    Pod pod = podWith(List.of(IMMEDIATE_BOUND, UNBOUND));
    assertThat(
            reasons(
                predicate(
                    List.of(IMMEDIATE_BOUND, UNBOUND),
                    List.of(PV_BOUND_IMMEDIATE_NODE_2, PV_NODE_2),
                    pod,
                    NODE_1)))
        .containsExactly(
            "node(s) had volume node affinity conflict",
            "node(s) didn't find available persistent volumes to bind");
    assertThat(
            reasons(
                predicate(
                    List.of(IMMEDIATE_BOUND, UNBOUND),
                    List.of(PV_BOUND_IMMEDIATE, PV_NODE_2),
                    pod,
                    NODE_1)))
        .containsExactly("node(s) didn't find available persistent volumes to bind");
    assertThat(
            predicate(
                    List.of(IMMEDIATE_BOUND, UNBOUND),
                    List.of(PV_BOUND_IMMEDIATE, PV_NODE_1A),
                    pod,
                    NODE_1)
                .fits())
        .isTrue();
  }

  @Test
  void aPodWithoutClaimsPassesWithoutAskingTheBinder() {
    Pod p = pod("p").emptyDirVolume("scratch").build();
    VolumeBindingPredicate pred =
        new VolumeBindingPredicate(new SchedulerVolumeBinder(VolumeListers.NONE));
    assertThat(pred.check(p, null, new io.kubelab.scheduler.cache.NodeInfo()).fits()).isTrue();
    assertThatThrownBy(
            () ->
                pred.check(
                    podWith(List.of(BOUND)), null, new io.kubelab.scheduler.cache.NodeInfo()))
        .hasMessageContaining("CheckVolumeBinding: node not found");
  }

  @Test
  void aClaimBeingProvisionedForAnotherNodeRulesThisOneOut() {
    PersistentVolumeClaim elsewhere =
        claim("provisioned-pvc", "1Gi", WAIT_WITH_PROVISIONER).selectedNode("node2").build();
    PodVolumes v =
        new SchedulerVolumeBinder(
                VolumeListers.of(List.of(BOUND, elsewhere), List.of(PV_BOUND), CLASSES))
            .findPodVolumes(podWith(List.of(BOUND, elsewhere)), NODE_1);
    assertThat(v.unboundVolumesSatisfied()).isFalse();
    assertThat(v.boundVolumesSatisfied()).isTrue();
  }
}
