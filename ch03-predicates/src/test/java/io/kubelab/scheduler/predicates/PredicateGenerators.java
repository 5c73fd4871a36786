package io.kubelab.scheduler.predicates;

import static io.kubelab.scheduler.predicates.StorageFixtures.pv;
import static io.kubelab.scheduler.predicates.StorageFixtures.pvc;
import static io.kubelab.scheduler.predicates.StorageFixtures.storageClass;

import io.fabric8.kubernetes.api.model.AWSElasticBlockStoreVolumeSource;
import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.GCEPersistentDiskVolumeSource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.storage.StorageClass;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.apimachinery.testing.Generators;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.quicktheories.core.Gen;
import org.quicktheories.core.RandomnessSource;
import org.quicktheories.generators.Generate;

/**
 * Clusters for this chapter's properties: apimachinery's generated clusters, enriched with what the
 * shared generators leave out and the predicates care about (required anti-affinity, spread
 * constraints, rack labels, network disks, claims of every binding kind, the volumes behind them,
 * per-node volume limits).
 *
 * <p>Every draw goes through QuickTheories' randomness source, so a failing case shrinks: the
 * shrinker simplifies the enrichment as well as the cluster.
 */
final class PredicateGenerators {

  private PredicateGenerators() {}

  static final String RACK = "rack";
  static final String CSI_DRIVER = "csi.example.com";

  /** The beta zone label, the one NoVolumeZoneConflict reads. */
  static final String BETA_ZONE = Fixtures.LABEL_ZONE_BETA;

  /** WaitForFirstConsumer, matched against hand-made local volumes, no provisioner. */
  static final String LOCAL_CLASS = "local";

  /** WaitForFirstConsumer, provisioned by {@link #CSI_DRIVER} in zones a and b only. */
  static final String DYNAMIC_CLASS = "dynamic";

  static final List<String> DYNAMIC_ZONES = List.of("zone-a", "zone-b");

  /** Two apps most generated pods and selectors share, so that selectors meet their pods. */
  static final List<String> APPS = List.of("web", "db");

  static final List<String> TOPOLOGY_KEYS =
      List.of(Fixtures.LABEL_HOSTNAME, Fixtures.LABEL_ZONE, RACK);

  static final List<String> LOCAL_SIZES = List.of("1Gi", "5Gi", "10Gi");
  static final List<String> CLAIM_SIZES = List.of("1Gi", "5Gi", "20Gi");

  /**
   * A cluster: nodes, pods (bound or pending), and the storage objects the pods' claims use.
   *
   * @param fromScratch whether end-to-end runs unbind every pod and schedule them all
   */
  record Scenario(
      List<Node> nodes,
      List<Pod> pods,
      List<PersistentVolumeClaim> claims,
      List<PersistentVolume> volumes,
      List<StorageClass> classes,
      boolean fromScratch) {
    List<Pod> bound() {
      return pods.stream().filter(p -> p.getSpec().getNodeName() != null).toList();
    }

    List<Pod> pending() {
      return pods.stream().filter(p -> p.getSpec().getNodeName() == null).toList();
    }

    Node node(String name) {
      return nodes.stream()
          .filter(n -> n.getMetadata().getName().equals(name))
          .findFirst()
          .orElseThrow();
    }

    VolumeListers listers() {
      return VolumeListers.of(claims, volumes, classes);
    }

    @Override
    public String toString() {
      return "Scenario[nodes="
          + nodes.stream()
              .map(n -> n.getMetadata().getName() + n.getMetadata().getLabels())
              .toList()
          + ", pods="
          + pods.stream()
              .map(
                  p ->
                      p.getMetadata().getName()
                          + "@"
                          + p.getSpec().getNodeName()
                          + p.getSpec().getVolumes().stream().map(Volume::getName).toList())
              .toList()
          + ", volumes="
          + volumes.stream().map(v -> v.getMetadata().getName()).toList()
          + "]";
    }
  }

  static Gen<Scenario> scenarios(int minNodes, int maxNodes, int minPods, int maxPods) {
    Gen<Generators.Cluster> clusters = Generators.clusters(minNodes, maxNodes, minPods, maxPods);
    Gen<Scenario> g = in -> enrich(clusters.generate(in), in);
    return g.describedAs(Scenario::toString);
  }

  static int between(RandomnessSource in, int lo, int hi) {
    return Generate.range(lo, hi).generate(in);
  }

  static boolean percent(RandomnessSource in, int p) {
    return between(in, 1, 100) <= p;
  }

  static <T> T pick(RandomnessSource in, List<T> from) {
    return Generate.pick(from).generate(in);
  }

  private static Scenario enrich(Generators.Cluster c, RandomnessSource in) {
    List<PersistentVolume> volumes = new ArrayList<>();
    for (Node n : c.nodes()) {
      Map<String, String> labels = new LinkedHashMap<>(n.getMetadata().getLabels());
      if (percent(in, 50)) {
        labels.put(RACK, "r" + between(in, 0, 1));
      }
      n.getMetadata().setLabels(labels);
      Map<String, Quantity> alloc = new LinkedHashMap<>(n.getStatus().getAllocatable());
      if (percent(in, 25)) {
        alloc.put(
            CsiMaxVolumeLimitPredicate.getCsiAttachLimitKey(CSI_DRIVER),
            new Quantity(String.valueOf(between(in, 0, 3))));
      }
      if (percent(in, 20)) {
        alloc.put("attachable-volumes-aws-ebs", new Quantity(String.valueOf(between(in, 0, 3))));
      }
      n.getStatus().setAllocatable(alloc);
      int locals = between(in, 0, 2);
      for (int k = 0; k < locals; k++) {
        StorageFixtures.VolumeFixture v =
            pv("local-" + n.getMetadata().getName() + "-" + k)
                .storageClass(LOCAL_CLASS)
                .capacity(pick(in, LOCAL_SIZES))
                .nodeAffinity(Fixtures.LABEL_HOSTNAME, n.getMetadata().getName());
        if (percent(in, 20)) {
          v.claimRef(pvc("default", "someone-else").build()).phase("Bound");
        }
        volumes.add(v.build());
      }
    }
    List<PersistentVolumeClaim> claims = new ArrayList<>();
    for (String ns : Generators.NAMESPACES) {
      for (int i = 0; i < 4; i++) {
        claims.add(pvc(ns, "c" + i).bound("pv-" + ns + "-csi-" + i).build());
        volumes.add(pv("pv-" + ns + "-csi-" + i).csi(CSI_DRIVER, "h-" + ns + "-" + i).build());
      }
      for (int i = 0; i < 2; i++) {
        List<String> zones =
            percent(in, 25) ? List.of("zone-a", "zone-b") : List.of(pick(in, Generators.ZONES));
        claims.add(pvc(ns, "z" + i).bound("pv-" + ns + "-zonal-" + i).build());
        volumes.add(
            pv("pv-" + ns + "-zonal-" + i)
                .label(BETA_ZONE, String.join("__", zones))
                .nodeAffinity(BETA_ZONE, zones.toArray(String[]::new))
                .build());
      }
      claims.add(pvc(ns, "l0").storageClass(LOCAL_CLASS).request(pick(in, CLAIM_SIZES)).build());
      claims.add(pvc(ns, "d0").storageClass(DYNAMIC_CLASS).build());
      claims.add(pvc(ns, "e0").bound("pv-" + ns + "-ebs").build());
      volumes.add(pv("pv-" + ns + "-ebs").ebs("ebs-" + ns).build());
    }
    List<StorageClass> classes =
        List.of(
            storageClass(LOCAL_CLASS)
                .waitForFirstConsumer()
                .provisioner("kubernetes.io/no-provisioner")
                .build(),
            storageClass(DYNAMIC_CLASS)
                .waitForFirstConsumer()
                .provisioner(CSI_DRIVER)
                .allowedTopology(BETA_ZONE, DYNAMIC_ZONES.toArray(String[]::new))
                .build());
    for (Pod p : c.pods()) {
      if (percent(in, 40)) {
        p.getMetadata().getLabels().put("app", pick(in, APPS));
      }
      if (percent(in, 20)) {
        antiAffinity(p).getRequiredDuringSchedulingIgnoredDuringExecution().add(term(in));
      }
      if (percent(in, 10)) {
        affinity(p).getRequiredDuringSchedulingIgnoredDuringExecution().add(term(in));
      }
      if (percent(in, 20)) {
        TestSupport.spread(
            p,
            between(in, 1, 2),
            pick(in, List.of(Fixtures.LABEL_HOSTNAME, Fixtures.LABEL_ZONE)),
            percent(in, 80) ? "DoNotSchedule" : "ScheduleAnyway",
            selector(in));
      }
      if (percent(in, 10)) {
        Volume v = new Volume();
        v.setName("pd");
        v.setGcePersistentDisk(
            new GCEPersistentDiskVolumeSource(
                "ext4", 0, "pd-" + between(in, 0, 2), percent(in, 50)));
        p.getSpec().getVolumes().add(v);
      }
      if (percent(in, 8)) {
        Volume v = new Volume();
        v.setName("ebs");
        v.setAwsElasticBlockStore(
            new AWSElasticBlockStoreVolumeSource(
                "ext4", 0, false, "ebs-inline-" + between(in, 0, 3)));
        p.getSpec().getVolumes().add(v);
      }
      int csiClaims = percent(in, 15) ? between(in, 1, 2) : 0;
      for (int i = 0; i < csiClaims; i++) {
        claim(p, "claim-" + i, "c" + between(in, 0, 3));
      }
      if (percent(in, 10)) {
        claim(p, "zonal", "z" + between(in, 0, 1));
      }
      if (percent(in, 8)) {
        claim(p, "local", "l0");
      }
      if (percent(in, 8)) {
        claim(p, "dynamic", "d0");
      }
      if (percent(in, 5)) {
        claim(p, "ebs-claim", "e0");
      }
    }
    return new Scenario(c.nodes(), c.pods(), claims, volumes, classes, percent(in, 50));
  }

  private static void claim(Pod p, String volumeName, String claimName) {
    Volume v = new Volume();
    v.setName(volumeName);
    v.setPersistentVolumeClaim(new PersistentVolumeClaimVolumeSource(claimName, false));
    p.getSpec().getVolumes().add(v);
  }

  /**
   * Makes the pod being scheduled more demanding than the average generated pod: most of the
   * interesting metadata (spread counts restricted by node selection, affinity maps) exists only
   * for such pods.
   */
  static Pod sharpen(Pod p, RandomnessSource in) {
    if (percent(in, 50)) {
      TestSupport.spread(
          p,
          1,
          pick(in, List.of(Fixtures.LABEL_HOSTNAME, Fixtures.LABEL_ZONE, RACK)),
          "DoNotSchedule",
          selector(in));
    }
    if (percent(in, 40)) {
      p.getSpec().getNodeSelector().put(RACK, "r0");
    }
    if (percent(in, 30)) {
      antiAffinity(p).getRequiredDuringSchedulingIgnoredDuringExecution().add(term(in));
    }
    if (percent(in, 30)) {
      affinity(p).getRequiredDuringSchedulingIgnoredDuringExecution().add(term(in));
    }
    if (percent(in, 50)) {
      p.getMetadata().getLabels().put("app", pick(in, APPS));
    }
    return p;
  }

  private static PodAffinityTerm term(RandomnessSource in) {
    return Fixtures.affinityTerm(pick(in, TOPOLOGY_KEYS), selector(in));
  }

  /** {@code app=<value>} or {@code app exists}: common enough to meet generated labels. */
  private static LabelSelector selector(RandomnessSource in) {
    int k = between(in, 0, 99);
    if (k < 20) {
      return Fixtures.matchExpressions(Fixtures.labelExpr("app", "Exists"));
    }
    return Fixtures.matchLabels("app", k < 80 ? pick(in, APPS) : pick(in, Generators.LABEL_VALUES));
  }

  private static Affinity affinityOf(Pod p) {
    if (p.getSpec().getAffinity() == null) {
      p.getSpec().setAffinity(new Affinity());
    }
    return p.getSpec().getAffinity();
  }

  private static PodAffinity affinity(Pod p) {
    Affinity a = affinityOf(p);
    if (a.getPodAffinity() == null) {
      a.setPodAffinity(new PodAffinity());
    }
    if (a.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      a.getPodAffinity().setRequiredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
    }
    return a.getPodAffinity();
  }

  private static PodAntiAffinity antiAffinity(Pod p) {
    Affinity a = affinityOf(p);
    if (a.getPodAntiAffinity() == null) {
      a.setPodAntiAffinity(new PodAntiAffinity());
    }
    if (a.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
      a.getPodAntiAffinity().setRequiredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
    }
    return a.getPodAntiAffinity();
  }
}
