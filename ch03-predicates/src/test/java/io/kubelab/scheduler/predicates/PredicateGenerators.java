package io.kubelab.scheduler.predicates;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.CSIPersistentVolumeSource;
import io.fabric8.kubernetes.api.model.GCEPersistentDiskVolumeSource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.Volume;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.apimachinery.testing.Generators;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.quicktheories.core.Gen;
import org.quicktheories.generators.Generate;

/**
 * Clusters for this chapter's properties: apimachinery's generated clusters, enriched with what the
 * shared generators leave out and the predicates care about (required anti-affinity, spread
 * constraints, rack labels, network disks, CSI claims and per-node CSI limits).
 *
 * <p>The enrichment draws from a {@link Random} seeded by QuickTheories, so a fixed QuickTheories
 * seed still reproduces every case; the seed is part of the scenario's description.
 */
final class PredicateGenerators {

  private PredicateGenerators() {}

  static final String RACK = "rack";
  static final String CSI_DRIVER = "csi.example.com";

  /** Two apps most generated pods and selectors share, so that selectors meet their pods. */
  static final List<String> APPS = List.of("web", "db");

  static final List<String> TOPOLOGY_KEYS =
      List.of(Fixtures.LABEL_HOSTNAME, Fixtures.LABEL_ZONE, RACK);

  /** A cluster: nodes, pods (bound or pending) and the storage objects the pods' claims use. */
  record Scenario(List<Node> nodes, List<Pod> pods, long seed) {
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

    @Override
    public String toString() {
      return "Scenario[seed="
          + seed
          + ", nodes="
          + nodes.stream()
              .map(n -> n.getMetadata().getName() + n.getMetadata().getLabels())
              .toList()
          + ", pods="
          + pods.stream()
              .map(p -> p.getMetadata().getName() + "@" + p.getSpec().getNodeName())
              .toList()
          + "]";
    }
  }

  static Gen<Scenario> scenarios(int minNodes, int maxNodes, int minPods, int maxPods) {
    return Generators.clusters(minNodes, maxNodes, minPods, maxPods)
        .zip(Generate.longRange(0, Long.MAX_VALUE), (c, seed) -> enrich(c, seed))
        .describedAs(Scenario::toString);
  }

  /** Claims c0..c3 in every generated namespace, bound to CSI volumes of {@value #CSI_DRIVER}. */
  static VolumeListers listers() {
    Map<String, PersistentVolumeClaim> claims = new HashMap<>();
    Map<String, PersistentVolume> pvs = new HashMap<>();
    for (String ns : Generators.NAMESPACES) {
      for (int i = 0; i < 4; i++) {
        PersistentVolumeClaim c = new PersistentVolumeClaim();
        ObjectMeta m = new ObjectMeta();
        m.setName("c" + i);
        m.setNamespace(ns);
        c.setMetadata(m);
        PersistentVolumeClaimSpec s = new PersistentVolumeClaimSpec();
        s.setVolumeName("pv-" + ns + "-" + i);
        c.setSpec(s);
        claims.put(ns + "/c" + i, c);
        PersistentVolume pv = new PersistentVolume();
        ObjectMeta pm = new ObjectMeta();
        pm.setName("pv-" + ns + "-" + i);
        pv.setMetadata(pm);
        PersistentVolumeSpec ps = new PersistentVolumeSpec();
        CSIPersistentVolumeSource csi = new CSIPersistentVolumeSource();
        csi.setDriver(CSI_DRIVER);
        csi.setVolumeHandle("h-" + ns + "-" + i);
        ps.setCsi(csi);
        pv.setSpec(ps);
        pvs.put(pm.getName(), pv);
      }
    }
    return VolumeListers.of(claims, pvs, Map.of());
  }

  private static Scenario enrich(Generators.Cluster c, long seed) {
    Random r = new Random(seed);
    for (Node n : c.nodes()) {
      Map<String, String> labels = new LinkedHashMap<>(n.getMetadata().getLabels());
      if (r.nextInt(100) < 50) {
        labels.put(RACK, "r" + r.nextInt(2));
      }
      n.getMetadata().setLabels(labels);
      if (r.nextInt(100) < 25) {
        Map<String, Quantity> alloc = new LinkedHashMap<>(n.getStatus().getAllocatable());
        alloc.put(
            CsiMaxVolumeLimitPredicate.getCsiAttachLimitKey(CSI_DRIVER),
            new Quantity(String.valueOf(r.nextInt(4))));
        n.getStatus().setAllocatable(alloc);
      }
    }
    for (Pod p : c.pods()) {
      if (r.nextInt(100) < 40) {
        p.getMetadata().getLabels().put("app", pick(r, APPS));
      }
      if (r.nextInt(100) < 20) {
        antiAffinity(p).getRequiredDuringSchedulingIgnoredDuringExecution().add(term(r));
      }
      if (r.nextInt(100) < 10) {
        affinity(p).getRequiredDuringSchedulingIgnoredDuringExecution().add(term(r));
      }
      if (r.nextInt(100) < 20) {
        TestSupport.spread(
            p,
            1 + r.nextInt(2),
            pick(r, List.of(Fixtures.LABEL_HOSTNAME, Fixtures.LABEL_ZONE)),
            r.nextInt(100) < 80 ? "DoNotSchedule" : "ScheduleAnyway",
            selector(r));
      }
      if (r.nextInt(100) < 10) {
        Volume v = new Volume();
        v.setName("pd");
        GCEPersistentDiskVolumeSource s = new GCEPersistentDiskVolumeSource();
        s.setPdName("pd-" + r.nextInt(3));
        s.setReadOnly(r.nextBoolean());
        v.setGcePersistentDisk(s);
        p.getSpec().getVolumes().add(v);
      }
      int claims = r.nextInt(100) < 15 ? 1 + r.nextInt(2) : 0;
      for (int i = 0; i < claims; i++) {
        Volume v = new Volume();
        v.setName("claim-" + i);
        PersistentVolumeClaimVolumeSource s = new PersistentVolumeClaimVolumeSource();
        s.setClaimName("c" + r.nextInt(4));
        v.setPersistentVolumeClaim(s);
        p.getSpec().getVolumes().add(v);
      }
    }
    return new Scenario(c.nodes(), c.pods(), seed);
  }

  /**
   * Makes the pod being scheduled more demanding than the average generated pod: most of the
   * interesting metadata (spread counts restricted by node selection, affinity maps) exists only
   * for such pods.
   */
  static Pod sharpen(Pod p, Random r) {
    if (r.nextInt(100) < 50) {
      TestSupport.spread(
          p,
          1,
          pick(r, List.of(Fixtures.LABEL_HOSTNAME, Fixtures.LABEL_ZONE, RACK)),
          "DoNotSchedule",
          selector(r));
    }
    if (r.nextInt(100) < 40) {
      p.getSpec().getNodeSelector().put(RACK, "r0");
    }
    if (r.nextInt(100) < 30) {
      antiAffinity(p).getRequiredDuringSchedulingIgnoredDuringExecution().add(term(r));
    }
    if (r.nextInt(100) < 30) {
      affinity(p).getRequiredDuringSchedulingIgnoredDuringExecution().add(term(r));
    }
    if (r.nextInt(100) < 50) {
      p.getMetadata().getLabels().put("app", pick(r, APPS));
    }
    return p;
  }

  private static PodAffinityTerm term(Random r) {
    return Fixtures.affinityTerm(pick(r, TOPOLOGY_KEYS), selector(r));
  }

  /** {@code app=<value>} or {@code app exists}: common enough to meet generated labels. */
  private static LabelSelector selector(Random r) {
    int k = r.nextInt(100);
    if (k < 20) {
      return Fixtures.matchExpressions(Fixtures.labelExpr("app", "Exists"));
    }
    return Fixtures.matchLabels("app", k < 80 ? pick(r, APPS) : pick(r, Generators.LABEL_VALUES));
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

  private static <T> T pick(Random r, List<T> from) {
    return from.get(r.nextInt(from.size()));
  }
}
