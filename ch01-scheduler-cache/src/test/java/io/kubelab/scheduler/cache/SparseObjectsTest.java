package io.kubelab.scheduler.cache;

import static io.kubelab.apimachinery.testing.Fixtures.affinityTerm;
import static io.kubelab.apimachinery.testing.Fixtures.matchLabels;
import static io.kubelab.apimachinery.testing.Fixtures.node;
import static io.kubelab.apimachinery.testing.Fixtures.pod;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.resource.Resource;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * Objects as the API sends them when optional fields are absent (Go's zero values arrive as missing
 * JSON fields, which the Java model reads as {@code null}): a node without spec, status, labels or
 * images' names, a container without ports, a port without a host port. Each is read as upstream
 * reads the zero value; objects the cache cannot key are rejected with a message naming the field.
 */
class SparseObjectsTest {

  static Node bare(String name) {
    return new NodeBuilder().withNewMetadata().withName(name).endMetadata().build();
  }

  @Test
  void aNodeWithoutSpecOrStatusHasNoTaintsNoAllocatableAndNoPressure() {
    NodeInfo ni = new NodeInfo();
    ni.setNode(bare("n1"));
    assertThat(ni.nodeName()).isEqualTo("n1");
    assertThat(ni.taints()).isEmpty();
    assertThat(ni.allocatableResource()).isEqualTo(Resource.ZERO);
    assertThat(ni.memoryPressureCondition()).isEmpty();
    assertThat(ni.diskPressureCondition()).isEmpty();
    assertThat(ni.pidPressureCondition()).isEmpty();
  }

  @Test
  void conditionsWithoutAStatusReadAsEmptyAndOnlyThePressureConditionsAreKept() {
    Node n = bare("n1");
    NodeStatus status = new NodeStatus();
    status.setConditions(
        List.of(
            new NodeCondition(null, null, null, null, null, "MemoryPressure"),
            new NodeCondition(null, null, null, null, "True", "DiskPressure"),
            new NodeCondition(null, null, null, null, "False", "PIDPressure"),
            new NodeCondition(null, null, null, null, "True", "Ready")));
    n.setStatus(status);
    NodeInfo ni = new NodeInfo();
    ni.setNode(n);
    assertThat(ni.memoryPressureCondition()).isEmpty();
    assertThat(ni.diskPressureCondition()).isEqualTo("True");
    assertThat(ni.pidPressureCondition()).isEqualTo("False");

    NodeStatus noConditions = new NodeStatus();
    noConditions.setConditions(null);
    Node m = bare("n2");
    m.setStatus(noConditions);
    NodeInfo mi = new NodeInfo();
    mi.setNode(m);
    assertThat(mi.diskPressureCondition()).isEmpty();
  }

  @Test
  void aNodeWithoutANameIsRejectedNamingTheField() {
    Node noMeta = new Node();
    noMeta.setMetadata(null);
    for (Node n :
        new Node[] {null, noMeta, new NodeBuilder().withNewMetadata().endMetadata().build()}) {
      assertThatThrownBy(() -> new NodeInfo().setNode(n))
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessage("Node: metadata.name is missing");
    }
  }

  @Test
  void aPodWithoutUidOrSpecIsRejectedNamingTheField() {
    Pod noMeta = pod("p").build();
    noMeta.setMetadata(null);
    assertThatThrownBy(() -> NodeInfo.podKey(noMeta))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageStartingWith("Cannot get cache key for pod with empty UID");
    Pod emptyUid = pod("p").uid("").build();
    assertThatThrownBy(() -> NodeInfo.podKey(emptyUid))
        .hasMessageStartingWith("Cannot get cache key for pod with empty UID");
    Pod noSpec = pod("p").build();
    noSpec.setSpec(null);
    assertThatThrownBy(() -> NodeInfo.calculateResource(noSpec))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageEndingWith(": spec is missing");
  }

  @Test
  void affinityChecksReadAMissingSpecOrEmptyTermListAsNone() {
    Pod noSpec = pod("p").build();
    noSpec.setSpec(null);
    assertThat(NodeInfo.hasAffinity(noSpec)).isFalse();
    assertThat(NodeInfo.hasRequiredAntiAffinity(noSpec)).isFalse();

    Pod emptyAnti = pod("q").build();
    Affinity a = new Affinity();
    PodAntiAffinity anti = new PodAntiAffinity();
    anti.setRequiredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
    a.setPodAntiAffinity(anti);
    emptyAnti.getSpec().setAffinity(a);
    assertThat(NodeInfo.hasAffinity(emptyAnti)).as("an antiAffinity section counts").isTrue();
    assertThat(NodeInfo.hasRequiredAntiAffinity(emptyAnti)).as("but no required term").isFalse();

    anti.setRequiredDuringSchedulingIgnoredDuringExecution(null);
    assertThat(NodeInfo.hasRequiredAntiAffinity(emptyAnti)).isFalse();
  }

  @Test
  void containersWithoutPortsAndPortsWithoutAHostPortUseNoHostPort() {
    Pod p = pod("p").container("a").container("b").build();
    p.getSpec().getContainers().get(0).setPorts(null);
    ContainerPort containerOnly = new ContainerPort();
    containerOnly.setContainerPort(8080);
    p.getSpec().getContainers().get(1).setPorts(List.of(containerOnly));
    NodeInfo ni = new NodeInfo(p);
    assertThat(ni.usedPorts().size()).isZero();
    ni.removePod(p);
    assertThat(ni.pods()).isEmpty();
    assertThat(ni.usedPorts().size()).isZero();
  }

  @Test
  void filterOutPodsOfANodeInfoWithoutANodeKeepsEveryCandidate() {
    Pod elsewhere = pod("x").nodeName("n9").build();
    NodeInfo ghostless = new NodeInfo();
    List<Pod> candidates = List.of(elsewhere);
    assertThat(ghostless.filterOutPods(candidates)).containsExactly(elsewhere);
  }

  @Test
  void removingAPodFromANodeInfoWithoutANodeNamesNoNode() {
    NodeInfo ni = new NodeInfo();
    assertThatThrownBy(() -> ni.removePod(pod("ghost").build()))
        .isInstanceOf(IllegalStateException.class)
        .hasMessage("no corresponding pod ghost in pods of node ");
  }

  @Test
  void snapshotOfReadsNodesWithoutImagesOrImageNamesAndSkipsUnboundPods() {
    Node plain = node("n1").build();
    plain.setStatus(null);
    Node namelessImage = node("n2").build();
    ContainerImage nameless = new ContainerImage();
    nameless.setNames(null);
    nameless.setSizeBytes(10L);
    ContainerImage sized = new ContainerImage();
    sized.setNames(List.of("busybox:1"));
    sized.setSizeBytes(null);
    namelessImage.getStatus().setImages(List.of(nameless, sized));
    Node noImages = node("n3").build();
    noImages.getStatus().setImages(null);
    Pod unbound = pod("pending").build();
    Pod noSpec = pod("weird").build();
    noSpec.setSpec(null);
    Pod bound = pod("b").nodeName("n2").build();

    Snapshot s =
        Snapshot.of(List.of(unbound, noSpec, bound), List.of(plain, namelessImage, noImages));

    assertThat(s.numNodes()).isEqualTo(3);
    assertThat(s.get("n1").imageStates()).isEmpty();
    assertThat(s.get("n3").imageStates()).isEmpty();
    assertThat(s.get("n2").imageStates()).containsOnlyKeys("busybox:1");
    assertThat(s.get("n2").imageStates().get("busybox:1").size()).as("no size reads as 0").isZero();
    assertThat(s.get("n2").pods()).containsExactly(bound);
    assertThat(s.list().stream().mapToInt(ni -> ni.pods().size()).sum()).isEqualTo(1);
  }

  @Test
  void snapshotOfKeepsPodsOfUnknownNodesOutOfItsListsAndGet() {
    Pod onGhost =
        pod("g")
            .nodeName("gone")
            .requiredPodAntiAffinity(affinityTerm("kubernetes.io/hostname", matchLabels("a", "b")))
            .build();
    Snapshot s = Snapshot.of(List.of(onGhost), List.of(node("n1").build()));
    assertThat(s.numNodes()).isEqualTo(1);
    assertThat(s.havePodsWithAffinityList()).isEmpty();
    assertThat(s.havePodsWithRequiredAntiAffinityList()).isEmpty();
    assertThatThrownBy(() -> s.get("gone"))
        .isInstanceOf(Cache.CacheException.class)
        .hasMessage("nodeinfo not found for node name \"gone\"");
    assertThat(s.get("n1").pods()).isEmpty();
  }

  @Test
  void aCloneCountsAPodWithoutAUidOrWithoutMetadata() {
    // addPod, unlike the cache, accepts pods it cannot key (upstream's NewNodeInfo in tests).
    Pod noUid = pod("no-uid").uid(null).requests("1", "1Gi").build();
    Pod noMeta = pod("no-meta").requests("2", "1Gi").build();
    noMeta.setMetadata(null);
    NodeInfo trial = new NodeInfo().clone();
    trial.addPod(noUid);
    trial.addPod(noMeta);
    assertThat(trial.pods()).containsExactly(noUid, noMeta);
    assertThat(trial.requestedResource()).isEqualTo(Resource.of(3000, 2L << 30));
  }

  @Test
  void filterOutPodsDropsAPodOfThisNodeWithoutAUidAsUpstreamCannotKeyIt() {
    // Upstream's FilterOutPods skips a pod of its node whose GetPodKey fails, even when the
    // NodeInfo holds that very pod.
    Pod noUid = pod("no-uid").nodeName("n1").uid(null).build();
    Pod emptyUid = pod("empty-uid").nodeName("n1").uid("").build();
    Pod keyed = pod("keyed").nodeName("n1").build();
    NodeInfo ni = new NodeInfo(noUid, emptyUid, keyed);
    ni.setNode(node("n1").build());
    assertThat(ni.filterOutPods(List.of(noUid, emptyUid, keyed))).containsExactly(keyed);
  }

  @Test
  void theCacheReadsANodeWithoutStatusImagesImageNamesOrSizesAsHavingNoSuchImages() {
    try (SchedulerCache cache = new SchedulerCache(new FakeClock())) {
      Node noStatus = bare("n1");
      Node noImages = node("n2").build();
      noImages.getStatus().setImages(null);
      Node sparse = node("n3").build();
      ContainerImage nameless = new ContainerImage();
      nameless.setNames(null);
      nameless.setSizeBytes(10L);
      ContainerImage sizeless = new ContainerImage();
      sizeless.setNames(List.of("busybox:1"));
      sizeless.setSizeBytes(null);
      sparse.getStatus().setImages(List.of(nameless, sizeless));
      cache.addNode(noStatus);
      cache.addNode(noImages);
      cache.addNode(sparse);
      assertThat(cache.imageStates())
          .containsExactly(Map.entry("busybox:1", Map.entry(0L, Set.of("n3"))));
      cache.removeNode(noStatus);
      cache.removeNode(noImages);
      cache.removeNode(sparse);
      assertThat(cache.imageStates()).isEmpty();
    }
  }
}
