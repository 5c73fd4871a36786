package io.kubelab.scheduler.cache;

import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.resource.Resource;
import io.kubelab.apimachinery.testing.Fixtures;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** NodeInfo against upstream's node_info.go: aggregates, ports, generations, clones. */
class NodeInfoTest {

  @Test
  void requestsAreSummedAndNonZeroDefaultsApplyPerContainer() {
    Pod a = pod("a").requests("500m", "1Gi").build();
    Pod b = pod("b").container("x").container("y").build();
    NodeInfo ni = new NodeInfo(a, b);
    assertThat(ni.requestedResource()).isEqualTo(Resource.of(500, 1L << 30));
    // b has two request-less containers: 2 × 100m and 2 × 200Mi.
    assertThat(ni.nonZeroRequest()).isEqualTo(Resource.of(700, (1L << 30) + 400L * 1024 * 1024));
  }

  @Test
  void initContainersDoNotCountTowardsTheNodeButOverheadDoes() {
    // v1.17 / v1.18.0 calculateResource: containers (100m + 50m) plus overhead (10m); the init
    // container's 2 CPUs and 4Gi have finished before the pod runs and are not counted.
    Pod p =
        pod("p")
            .container("app")
            .requests("100m", "64Mi")
            .request("example.com/gpu", "1")
            .container("sidecar")
            .requests("50m", null)
            .initContainer("migrate")
            .requests("2", "4Gi")
            .request("example.com/gpu", "3")
            .overhead("10m", "8Mi")
            .build();
    NodeInfo ni = new NodeInfo(p);
    assertThat(ni.requestedResource())
        .isEqualTo(Resource.of(160, (64L + 8) << 20).withScalar("example.com/gpu", 1));
    // non-zero: 100m + 50m + 10m; memory 64Mi + the 200Mi default for the sidecar + 8Mi
    assertThat(ni.nonZeroRequest()).isEqualTo(Resource.of(160, (64L + 200 + 8) << 20));
    ni.removePod(p);
    assertThat(ni.requestedResource().milliCpu()).isZero();
    assertThat(ni.nonZeroRequest()).isEqualTo(Resource.ZERO);
  }

  @Test
  void aPodsRequestDoesNotCountTowardsTheRequestedPodNumber() {
    NodeInfo ni = new NodeInfo(pod("a").request("pods", "3").request("cpu", "1").build());
    assertThat(ni.requestedResource().allowedPodNumber()).isZero();
    assertThat(ni.requestedResource().milliCpu()).isEqualTo(1000);
  }

  @Test
  void everyChangeTakesANewGlobalGeneration() {
    NodeInfo x = new NodeInfo();
    NodeInfo y = new NodeInfo();
    long g0 = x.generation();
    assertThat(y.generation()).isGreaterThan(g0);
    x.addPod(pod("a").build());
    assertThat(x.generation()).as("one counter for all NodeInfos").isGreaterThan(y.generation());
    long g1 = x.generation();
    x.setNode(node("n1").build());
    assertThat(x.generation()).isGreaterThan(g1);
    long g2 = x.generation();
    x.removeNode();
    assertThat(x.generation()).isGreaterThan(g2);
    assertThat(x.clone().generation()).as("a clone keeps it").isEqualTo(x.generation());
  }

  @Test
  void removingAPodSubtractsItAndReleasesItsPorts() {
    Pod a = pod("a").requests("1", "1Gi").hostPort(80).build();
    Pod b = pod("b").requests("2", "1Gi").build();
    NodeInfo ni = new NodeInfo(a, b);
    assertThat(ni.numPods()).isEqualTo(2);
    assertThat(ni.usedPorts().checkConflict("", "TCP", 80)).isTrue();
    ni.removePod(a);
    assertThat(ni.pods()).containsExactly(b);
    assertThat(ni.numPods()).isEqualTo(1);
    assertThat(ni.requestedResource()).isEqualTo(Resource.of(2000, 1L << 30));
    assertThat(ni.usedPorts().size()).isZero();
  }

  @Test
  void aPodTakenOffACloneAndPutBackIsNotParsedAgainButAnOriginalParsesEveryAdd() {
    // Preemption removes pods from a clone and puts some back; the clone remembers what each
    // removed pod added, so reprieving the same pod object costs no quantity parsing. Changing
    // the pod's requests in between shows which path was taken.
    Pod a = pod("a").requests("1", "1Gi").build();
    NodeInfo original = new NodeInfo(a);
    NodeInfo trial = original.clone();
    trial.removePod(a);
    a.getSpec().getContainers().get(0).getResources().getRequests().get("cpu").setAmount("3");
    trial.addPod(a);
    assertThat(trial.requestedResource()).isEqualTo(Resource.of(1000, 1L << 30));
    trial.removePod(a);
    trial.addPod(pod("a").requests("1", "1Gi").build());
    assertThat(trial.requestedResource())
        .as("another object is parsed")
        .isEqualTo(Resource.of(1000, 1L << 30));
    original.removePod(a);
    original.addPod(a);
    assertThat(original.requestedResource()).isEqualTo(Resource.of(3000, 1L << 30));
  }

  @Test
  void aPodAddedToClonesItWasNeverOnIsParsedOnceButAnotherObjectWithItsUidAgain() {
    // The generic scheduler adds each nominated pod to a fresh clone of its node for every filter
    // run; the parse is remembered for that pod object. Changing the pod's requests in between
    // shows which path was taken.
    NodeInfo original = new NodeInfo(pod("a").requests("1", "1Gi").build());
    Pod nominated = pod("nominated-clone-test").requests("2", "1Gi").build();
    NodeInfo first = original.clone();
    first.addPod(nominated);
    assertThat(first.requestedResource()).isEqualTo(Resource.of(3000, 2L << 30));
    nominated
        .getSpec()
        .getContainers()
        .get(0)
        .getResources()
        .getRequests()
        .get("cpu")
        .setAmount("5");
    NodeInfo second = original.clone();
    second.addPod(nominated);
    assertThat(second.requestedResource())
        .as("the same object: remembered")
        .isEqualTo(Resource.of(3000, 2L << 30));
    NodeInfo third = original.clone();
    third.addPod(pod("nominated-clone-test").requests("4", "1Gi").build());
    assertThat(third.requestedResource())
        .as("another object with the same UID: parsed")
        .isEqualTo(Resource.of(5000, 2L << 30));
    original.addPod(nominated);
    assertThat(original.requestedResource())
        .as("a NodeInfo that is not a clone parses every add")
        .isEqualTo(Resource.of(6000, 2L << 30));
  }

  @Test
  void removingAnAbsentPodFailsWithUpstreamsMessageAndChangesNothing() {
    NodeInfo ni = new NodeInfo(pod("a").build());
    ni.setNode(node("n1").build());
    long g = ni.generation();
    assertThatThrownBy(() -> ni.removePod(pod("zz").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no corresponding pod zz in pods of node n1");
    assertThat(ni.pods()).hasSize(1);
    assertThat(ni.generation()).isEqualTo(g);
  }

  @Test
  void onlyContainerPortsWithAHostPortAboveZeroAreUsedAndAReprievedPodTakesThemBack() {
    Pod p = pod("web").uid("web").container("app").container("sidecar").build();
    List<io.fabric8.kubernetes.api.model.Container> cs = p.getSpec().getContainers();
    cs.get(0).setPorts(List.of(port(80, null), port(81, 0)));
    cs.get(1).setPorts(List.of(port(82, 9000), port(83, 9001)));
    NodeInfo ni = new NodeInfo(p);
    assertThat(ni.usedPorts().size()).isEqualTo(2);
    assertThat(ni.usedPorts().checkConflict("", "TCP", 9000)).isTrue();
    assertThat(ni.usedPorts().checkConflict("", "TCP", 9001)).isTrue();
    assertThat(ni.usedPorts().checkConflict("", "TCP", 80)).isFalse();
    NodeInfo clone = ni.clone();
    // What was read when the pod was added is released, whatever the object says now.
    cs.get(1).getPorts().get(0).setHostPort(null);
    clone.removePod(p);
    assertThat(clone.usedPorts().size()).isZero();
    cs.get(1).getPorts().get(0).setHostPort(9000);
    assertThat(ni.usedPorts().size()).as("the original keeps its ports").isEqualTo(2);
    clone.addPod(p);
    assertThat(clone.usedPorts().checkConflict("", "TCP", 9000)).isTrue();
    assertThat(clone.usedPorts().checkConflict("", "TCP", 9001)).isTrue();
  }

  @Test
  void aThreadNumbersItsClonesChangesOnThroughItsBlockWhileTheCacheCounterMovesPastIt()
      throws Exception {
    NodeInfo original = new NodeInfo();
    NodeInfo clone = original.clone();
    Pod p = pod("p").uid("p").build();
    long[] g = new long[3];
    // A new thread starts without a block: its first change to a clone reserves one.
    Thread t =
        new Thread(
            () -> {
              clone.addPod(p);
              g[0] = clone.generation();
              original.addPod(p);
              g[1] = original.generation();
              clone.removePod(p);
              g[2] = clone.generation();
            });
    t.start();
    t.join(10_000);
    assertThat(t.isAlive()).isFalse();
    assertThat(g[2]).as("the next value of the thread's block").isEqualTo(g[0] + 1);
    assertThat(g[1])
        .as("the counter itself is past the whole block")
        .isGreaterThanOrEqualTo(g[0] + NodeInfo.CLONE_GENERATION_BLOCK);
  }

  private static io.fabric8.kubernetes.api.model.ContainerPort port(int port, Integer hostPort) {
    io.fabric8.kubernetes.api.model.ContainerPort cp =
        new io.fabric8.kubernetes.api.model.ContainerPort();
    cp.setContainerPort(port);
    cp.setHostPort(hostPort);
    cp.setProtocol("TCP");
    return cp;
  }

  @Test
  void changesToClonesOnSeveralThreadsTakeGenerationsNoOtherChangeTook() throws Exception {
    NodeInfo original = new NodeInfo(pod("a").uid("a").build());
    int threads = 4;
    // More changes per thread than one block holds, so that every thread reserves several.
    int changes = NodeInfo.CLONE_GENERATION_BLOCK * 2 + 10;
    long[][] seen = new long[threads + 1][changes];
    List<Thread> workers = new java.util.ArrayList<>();
    for (int t = 0; t < threads; t++) {
      int id = t;
      NodeInfo clone = original.clone();
      Pod b = pod("b" + t).uid("b" + t).build();
      workers.add(
          new Thread(
              () -> {
                for (int k = 0; k < changes; k++) {
                  if (k % 2 == 0) {
                    clone.addPod(b);
                  } else {
                    clone.removePod(b);
                  }
                  seen[id][k] = clone.generation();
                }
              }));
    }
    workers.forEach(Thread::start);
    Pod c = pod("c").uid("c").build();
    for (int k = 0; k < changes; k++) {
      if (k % 2 == 0) {
        original.addPod(c);
      } else {
        original.removePod(c);
      }
      seen[threads][k] = original.generation();
    }
    for (Thread w : workers) {
      w.join(10_000);
      assertThat(w.isAlive()).isFalse();
    }
    java.util.Set<Long> all = new java.util.HashSet<>();
    for (long[] row : seen) {
      for (long g : row) {
        assertThat(all.add(g)).as("generation %d taken twice", g).isTrue();
      }
    }
    for (int k = 1; k < changes; k++) {
      assertThat(seen[threads][k])
          .as("the original's generations still rise")
          .isGreaterThan(seen[threads][k - 1]);
    }
  }

  @Test
  void hostPortsFollowTheWildcardRule() {
    NodeInfo ni = new NodeInfo(pod("a").hostPort(8080, "TCP", "0.0.0.0").build());
    assertThat(ni.usedPorts().checkConflict("10.0.0.1", "TCP", 8080)).isTrue();
    assertThat(ni.usedPorts().checkConflict("10.0.0.1", "UDP", 8080)).isFalse();
    NodeInfo one = new NodeInfo(pod("b").hostPort(8080, "TCP", "10.0.0.1").build());
    assertThat(one.usedPorts().checkConflict("0.0.0.0", "TCP", 8080)).isTrue();
    assertThat(one.usedPorts().checkConflict("10.0.0.2", "TCP", 8080)).isFalse();
  }

  @Test
  void affinityPodsAreTracked() {
    Pod anti =
        pod("anti")
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm("kubernetes.io/hostname", Fixtures.matchLabels("a", "b")))
            .build();
    Pod pref =
        pod("pref")
            .preferredPodAntiAffinity(
                5, Fixtures.affinityTerm("kubernetes.io/hostname", Fixtures.matchLabels("a", "b")))
            .build();
    Pod near =
        pod("near")
            .requiredPodAffinity(
                Fixtures.affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("a", "b")))
            .build();
    NodeInfo ni = new NodeInfo(anti, pref, near, pod("plain").build());
    assertThat(ni.podsWithAffinity()).containsExactlyInAnyOrder(anti, pref, near);
    assertThat(ni.podsWithRequiredAntiAffinity()).containsExactly(anti);
    ni.removePod(anti);
    assertThat(ni.podsWithAffinity()).containsExactlyInAnyOrder(pref, near);
    assertThat(ni.podsWithRequiredAntiAffinity()).isEmpty();
  }

  @Test
  void eachPodWithAffinityKeepsItsTermsParsedIndexForIndex() {
    Pod anti =
        pod("anti")
            .namespace("shop")
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm("kubernetes.io/hostname", Fixtures.matchLabels("app", "db")))
            .build();
    Pod pref =
        pod("pref")
            .preferredPodAffinity(
                7, Fixtures.affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("app", "web")))
            .build();
    LabelSelector broken = Fixtures.matchLabels("app", "not a valid value");
    Pod malformed =
        pod("malformed")
            .requiredPodAffinity(Fixtures.affinityTerm(Fixtures.LABEL_ZONE, broken))
            .build();
    NodeInfo ni = new NodeInfo(anti, pod("plain").build(), pref, malformed);

    assertThat(ni.affinityInfos()).hasSameSizeAs(ni.podsWithAffinity());
    PodAffinityInfo a = infoOf(ni, anti);
    assertThat(a.namespace()).isEqualTo("shop");
    assertThat(a.requiredAffinity()).isEmpty();
    assertThat(a.requiredAntiAffinity()).hasSize(1);
    PodAffinityInfo.Term t = a.requiredAntiAffinity().get(0);
    assertThat(t.topologyKey()).isEqualTo("kubernetes.io/hostname");
    // No namespaces in the term: the owner's.
    assertThat(t.namespaces()).containsExactly("shop");
    assertThat(t.matches(pod("x").namespace("shop").label("app", "db").build())).isTrue();
    assertThat(t.matches(pod("x").namespace("other").label("app", "db").build())).isFalse();
    assertThat(t.matches(pod("x").namespace("shop").label("app", "web").build())).isFalse();
    PodAffinityInfo p = infoOf(ni, pref);
    assertThat(p.preferredAffinity())
        .singleElement()
        .extracting(PodAffinityInfo.Term::weight)
        .isEqualTo(7L);
    // A selector that does not compile keeps its error for the cycle that reaches the term.
    assertThat(infoOf(ni, malformed).requiredAffinity().get(0).error()).contains("labelSelector");

    // Removal swaps the last pod into the gap; the records move with their pods, and clones and
    // the snapshot's copies keep them aligned.
    ni.removePod(anti);
    assertThat(infoOf(ni, pref).preferredAffinity()).hasSize(1);
    assertThat(infoOf(ni, malformed).requiredAffinity()).hasSize(1);
    NodeInfo clone = ni.clone();
    clone.removePod(pref);
    assertThat(clone.affinityInfos()).containsExactly(infoOf(ni, malformed));
    assertThat(infoOf(ni, pref).preferredAffinity()).hasSize(1);
  }

  private static PodAffinityInfo infoOf(NodeInfo ni, Pod pod) {
    int i = ni.podsWithAffinity().indexOf(pod);
    assertThat(i).as("%s is in podsWithAffinity", pod.getMetadata().getName()).isNotNegative();
    return ni.affinityInfos().get(i);
  }

  @Test
  void aCloneDoesNotSeeLaterChanges() {
    NodeInfo ni = new NodeInfo(pod("a").hostPort(80).build());
    ni.setNode(node("n1").build());
    NodeInfo c = ni.clone();
    ni.addPod(pod("b").hostPort(81).requests("1", "1Gi").build());
    assertThat(c.pods()).hasSize(1);
    assertThat(c.usedPorts().size()).isEqualTo(1);
    assertThat(c.requestedResource()).isNotEqualTo(ni.requestedResource());
  }

  @Test
  void copyFromOverwritesInPlaceWithoutSharingMutableState() {
    NodeInfo src = new NodeInfo(pod("a").hostPort(80).build());
    src.setNode(node("n1").allocatable("2", "1Gi").build());
    // What dst held before is gone after the copy, the affinity lists and parsed terms included.
    NodeInfo dst =
        new NodeInfo(
            pod("old")
                .requiredPodAntiAffinity(
                    Fixtures.affinityTerm("kubernetes.io/hostname", Fixtures.matchLabels("a", "b")))
                .build());
    dst.copyFrom(src);
    CacheChecks.assertSameNodeInfo("copy", dst, src);
    assertThat(dst.podsWithAffinity()).isEmpty();
    assertThat(dst.affinityInfos()).isEmpty();
    src.addPod(pod("b").hostPort(81).build());
    assertThat(dst.pods()).hasSize(1);
    assertThat(dst.usedPorts().size()).isEqualTo(1);
  }

  @Test
  void setNodeReadsAllocatableTaintsAndPressureConditions() {
    Node n =
        node("n1")
            .allocatable("4", "8Gi")
            .pods(50)
            .taint("k", "v", "NoSchedule")
            .condition("DiskPressure", "True")
            .condition("PIDPressure", "False")
            .build();
    NodeInfo ni = new NodeInfo();
    ni.setNode(n);
    assertThat(ni.allocatableResource().allowedPodNumber()).isEqualTo(50);
    assertThat(ni.allocatableResource().milliCpu()).isEqualTo(4000);
    assertThat(ni.taints()).hasSize(1);
    assertThat(ni.diskPressureCondition()).isEqualTo("True");
    assertThat(ni.pidPressureCondition()).isEqualTo("False");
    assertThat(ni.memoryPressureCondition()).isEmpty();
  }

  @Test
  void theAmountsFiltersReadForEveryNodeFollowEveryChange() {
    NodeInfo ni = new NodeInfo(pod("a").requests("500m", "1Gi").build());
    ni.setNode(node("n1").allocatable("4", "8Gi").pods(10).unschedulable().build());
    Pod b = pod("b").requests("1", "2Gi").build();
    ni.addPod(b);
    assertThat(ni.numPods()).isEqualTo(2);
    assertThat(ni.unschedulable()).isTrue();
    assertThat(List.of(ni.allocatableMilliCpu(), ni.allocatableMemory(), ni.allowedPodNumber()))
        .containsExactly(4000L, 8L << 30, 10L);
    assertThat(List.of(ni.requestedMilliCpu(), ni.requestedMemory()))
        .containsExactly(1500L, 3L << 30);
    assertThat(List.of(ni.nonZeroMilliCpu(), ni.nonZeroMemory())).containsExactly(1500L, 3L << 30);
    // A clone and a copy carry them; later changes to the original reach neither.
    NodeInfo clone = ni.clone();
    NodeInfo copy = new NodeInfo();
    copy.copyFrom(ni);
    ni.removePod(b);
    ni.setNode(node("n1").allocatable("2", "1Gi").pods(5).ephemeralStorage("10Gi").build());
    for (NodeInfo kept : List.of(clone, copy)) {
      assertThat(kept.numPods()).isEqualTo(2);
      assertThat(kept.unschedulable()).isTrue();
      assertThat(kept.requestedMilliCpu()).isEqualTo(1500);
      assertThat(kept.allocatableMilliCpu()).isEqualTo(4000);
    }
    assertThat(ni.numPods()).isEqualTo(1);
    assertThat(ni.unschedulable()).isFalse();
    assertThat(List.of(ni.requestedMilliCpu(), ni.requestedMemory(), ni.nonZeroMilliCpu()))
        .containsExactly(500L, 1L << 30, 500L);
    assertThat(List.of(ni.allocatableMilliCpu(), ni.allowedPodNumber())).containsExactly(2000L, 5L);
    assertThat(ni.allocatableEphemeralStorage()).isEqualTo(10L << 30);
    ni.setAllocatableResource(new Resource(300, 400, 500, 6, java.util.Map.of()));
    assertThat(CacheChecks.flatAllocatable(ni)).containsExactly(300L, 400L, 500L, 6L);
    ni.setNode(node("n1").unschedulable().build());
    ni.removeNode();
    assertThat(ni.unschedulable()).as("no node, nothing cordoned").isFalse();
  }

  @Test
  void removeNodeClearsOnlyTheNode() {
    NodeInfo ni = new NodeInfo(pod("a").build());
    ni.setNode(node("n1").allocatable("4", "8Gi").build());
    ni.removeNode();
    assertThat(ni.node()).isNull();
    assertThat(ni.nodeName()).isNull();
    assertThat(ni.pods()).hasSize(1);
    assertThat(ni.allocatableResource().milliCpu()).as("as in v1.18").isEqualTo(4000);
  }

  @Test
  void filterOutPodsDropsPodsOfThisNodeItNoLongerHolds() {
    Pod a = pod("a").nodeName("n1").build();
    Pod b = pod("b").nodeName("n1").build();
    Pod other = pod("c").nodeName("n2").build();
    NodeInfo ni = new NodeInfo(a, b);
    ni.setNode(node("n1").build());
    ni.removePod(b);
    assertThat(ni.filterOutPods(List.of(a, b, other))).containsExactly(a, other);
  }

  @Test
  void snapshotOfCountsImagesAcrossTheGivenNodes() {
    Node n1 = node("n1").image(10, "img:1").build();
    Node n2 = node("n2").image(10, "img:1").image(5, "other").build();
    Snapshot s = Snapshot.of(List.of(pod("a").nodeName("n1").build()), List.of(n1, n2));
    assertThat(s.get("n1").imageStates()).containsEntry("img:1", new ImageStateSummary(10, 2));
    assertThat(s.get("n2").imageStates()).containsEntry("other", new ImageStateSummary(5, 1));
    assertThat(s.get("n1").pods()).hasSize(1);
  }

  /** Changes the CPU request of a pod's first container in place (its object stays the same). */
  private static void setCpuRequest(Pod p, String cpu) {
    p.getSpec().getContainers().get(0).getResources().getRequests().get("cpu").setAmount(cpu);
  }

  @Test
  void aNodeInfoThatIsNotACloneParsesAPodEvenWhileTheClonesMemoHoldsThatVeryObject() {
    Pod p = pod("memo-and-original").requests("1", "1Gi").build();
    new NodeInfo().clone().addPod(p);
    setCpuRequest(p, "2");
    NodeInfo original = new NodeInfo(p);
    assertThat(original.requestedResource()).isEqualTo(Resource.of(2000, 1L << 30));
  }

  @Test
  void aCloneRemembersEveryPodTakenOffItNotOnlyTheLastOne() {
    Pod a = pod("a").requests("1", "1Gi").build();
    Pod b = pod("b").requests("2", "1Gi").build();
    NodeInfo trial = new NodeInfo(a, b).clone();
    trial.removePod(a);
    trial.removePod(b);
    setCpuRequest(a, "5");
    setCpuRequest(b, "7");
    trial.addPod(a);
    trial.addPod(b);
    assertThat(trial.requestedResource())
        .as("both reprieved pods count what they counted when taken off")
        .isEqualTo(Resource.of(3000, 2L << 30));
  }

  // Each run of the memo test uses UIDs no earlier run used, so every add is of a new UID even
  // when the tests run again in the same JVM (the memo is global).
  private static final AtomicInteger MEMO_RUNS = new AtomicInteger();

  @Test
  void podsAddedToClonesAreRememberedUpToTheLimitAndThenForgottenAllAtOnce() {
    int run = MEMO_RUNS.incrementAndGet();
    int limit = NodeInfo.ADDED_TO_CLONES_LIMIT;
    NodeInfo original = new NodeInfo();
    // The memo is global and other tests fill it, so it may hold any number of pods now.
    int before = NodeInfo.podsAddedToClonesRemembered();
    boolean startedOver = false;
    for (int i = 0; i < 2 * limit + 1; i++) {
      original.clone().addPod(pod("memo-" + run + "-" + i).build());
      int now = NodeInfo.podsAddedToClonesRemembered();
      if (before < limit) {
        assertThat(now).as("add %d grows the memo by one", i).isEqualTo(before + 1);
      } else {
        assertThat(now).as("add %d to a full memo starts it over", i).isEqualTo(1);
        startedOver = true;
      }
      before = now;
    }
    assertThat(startedOver).isTrue();
  }

  @Test
  void afterCopyFromRemovingAPodSubtractsWhatThatPodAddedNotWhatTheFormerPodsDid() {
    Pod a = pod("a").requests("1", "1Gi").build();
    NodeInfo dst = new NodeInfo(pod("old").requests("3", "2Gi").build());
    dst.copyFrom(new NodeInfo(a));
    dst.removePod(a);
    assertThat(dst.requestedResource()).isEqualTo(Resource.ZERO);
    assertThat(dst.nonZeroRequest()).isEqualTo(Resource.ZERO);
  }

  @Test
  void toStringNamesTheNodeAndItsPods() {
    NodeInfo ni = new NodeInfo(pod("a").namespace("shop").build());
    ni.setNode(node("n1").build());
    assertThat(ni.toString()).startsWith("NodeInfo{node=n1, pods=[shop/a], requested=");
  }

  @Test
  void snapshotOfListsOnlyTheNodesWhosePodsHaveAffinityOrRequiredAntiAffinity() {
    Pod anti =
        pod("anti")
            .nodeName("n1")
            .requiredPodAntiAffinity(
                Fixtures.affinityTerm("kubernetes.io/hostname", Fixtures.matchLabels("a", "b")))
            .build();
    Pod pref =
        pod("pref")
            .nodeName("n2")
            .preferredPodAffinity(
                5, Fixtures.affinityTerm(Fixtures.LABEL_ZONE, Fixtures.matchLabels("a", "b")))
            .build();
    Pod plain = pod("plain").nodeName("n3").build();
    Snapshot s =
        Snapshot.of(
            List.of(anti, pref, plain),
            List.of(node("n1").build(), node("n2").build(), node("n3").build()));
    assertThat(CacheChecks.names(s.havePodsWithAffinityList())).containsExactly("n1", "n2");
    assertThat(CacheChecks.names(s.havePodsWithRequiredAntiAffinityList())).containsExactly("n1");
  }
}
