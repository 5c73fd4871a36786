package io.kubelab.apimachinery.testing;

import io.fabric8.kubernetes.api.model.ConfigMapVolumeSource;
import io.fabric8.kubernetes.api.model.GCEPersistentDiskVolumeSource;
import io.fabric8.kubernetes.api.model.LocalVolumeSource;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimStatus;
import io.fabric8.kubernetes.api.model.PersistentVolumeSpec;
import io.fabric8.kubernetes.api.model.PersistentVolumeStatus;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.SecretVolumeSource;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceSpec;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.VolumeNodeAffinity;
import io.fabric8.kubernetes.api.model.VolumeResourceRequirements;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.SplittableRandom;

/**
 * A realistic cluster for benchmarks, the same for every scheduler chapter: a mix of node pools,
 * zones, taints, labels and images, and pods that do not share one spec, placed where they fit.
 *
 * <p>Upstream counterpart: the node and pod mixes of {@code test/integration/scheduler_perf}, which
 * upstream's scheduler benchmarks run on; this one adds what a production cluster of the v1.17 and
 * v1.18 era carries and a benchmark of ours would otherwise never see:
 *
 * <ul>
 *   <li>Nodes in five pools over three zones of one region (beta and GA zone/region labels,
 *       instance types, {@code kubernetes.io/os}/{@code arch}, {@code disktype}): {@code general}
 *       (70 %), {@code highmem} (12 %, half with 2 GiB of {@code hugepages-2Mi}), {@code spot} (10
 *       %, a PreferNoSchedule taint), {@code gpu} (4 %, {@code nvidia.com/gpu: 4} and a NoSchedule
 *       taint) and {@code infra} (4 %, a {@code dedicated=infra:NoSchedule} taint). Allocatable as
 *       a GKE node reports it, {@code hugepages-2Mi: 0} included. About 1 % of the nodes are
 *       cordoned, 0.5 % under memory pressure, 0.5 % under disk pressure and 0.3 % not ready, each
 *       with the taint the node lifecycle controller adds. Every node holds the system images and 4
 *       to 10 of 40 application images.
 *   <li>About {@value #PODS_PER_NODE} pods per node: three DaemonSets on every node (node-exporter
 *       with host port 9100, kube-proxy, fluentd; they tolerate everything and select their node by
 *       {@code matchFields}), then Deployments, StatefulSets, Jobs and GPU training pods of varied
 *       shapes: requests of seven sizes (BestEffort and cpu-only included), sidecars, init
 *       containers larger than the app, limits, priorities, node selectors, required and preferred
 *       node affinity, tolerations, preferred and required pod anti-affinity, required pod affinity
 *       to a cache's zone, topology spread constraints, host ports, PVCs bound to zonal GCE PDs or
 *       local volumes (WaitForFirstConsumer), inline GCE PDs (one read-only disk shared), secret
 *       and ConfigMap volumes, owner references and Services.
 *   <li>{@link #incoming()}: pods that ask to be placed, one per kind a scheduler treats
 *       differently (see {@link #INCOMING}), none of them bound.
 * </ul>
 *
 * <p>Every pod is its own object, built from its workload's template with per-pod names, UIDs,
 * creation times and volumes. Pods are placed the way a scheduler would have placed them (pool,
 * selector, zone, resources, host ports, anti-affinity), so no node is over-committed. The same
 * {@code (nodes, seed)} gives the same cluster, object for object.
 *
 * @param nodes every node
 * @param pods the bound pods, in creation order
 * @param incoming the pods to place, by kind ({@link #INCOMING}'s order)
 * @param claims PersistentVolumeClaims (bound ones, and the incoming pods' unbound one)
 * @param volumes PersistentVolumes bound to the claims
 * @param services Services selecting the Deployments that have one
 */
public record RealisticCluster(
    List<Node> nodes,
    List<Pod> pods,
    Map<String, Pod> incoming,
    List<PersistentVolumeClaim> claims,
    List<PersistentVolume> volumes,
    List<Service> services) {

  /** The size the scheduler's benchmarks and their goals are about. */
  public static final int LARGE = 5000;

  /** Pods per node the mix aims at, DaemonSets included. */
  public static final int PODS_PER_NODE = 18;

  public static final String REGION = "us-central1";
  public static final List<String> ZONES =
      List.of("us-central1-a", "us-central1-b", "us-central1-c");

  /** The label naming a node's pool. */
  public static final String POOL_LABEL = "kubelab.io/pool";

  public static final String GPU_TAINT = "nvidia.com/gpu";
  public static final String SPOT_TAINT = "cloud.kubelab.io/spot";
  public static final String GPU = "nvidia.com/gpu";

  /** A StorageClass with {@code volumeBindingMode: Immediate} (zonal GCE PDs). */
  public static final String STORAGE_CLASS_IMMEDIATE = "standard";

  /** A StorageClass with {@code volumeBindingMode: WaitForFirstConsumer} (local volumes). */
  public static final String STORAGE_CLASS_WAIT = "local-ssd";

  /** The kinds of {@link #incoming()}, in order. */
  public static final List<String> INCOMING =
      List.of(
          "basic",
          "nodeSelector",
          "nodeAffinity",
          "tolerations",
          "hostPort",
          "podAntiAffinity",
          "podAffinity",
          "spread",
          "pvc",
          "gpu",
          "unschedulable");

  public RealisticCluster {
    nodes = List.copyOf(nodes);
    pods = List.copyOf(pods);
    incoming = java.util.Collections.unmodifiableMap(new LinkedHashMap<>(incoming));
    claims = List.copyOf(claims);
    volumes = List.copyOf(volumes);
    services = List.copyOf(services);
  }

  /** The incoming pod of one kind of {@link #INCOMING}. */
  public Pod incoming(String kind) {
    Pod p = incoming.get(kind);
    if (p == null) {
      throw new IllegalArgumentException("no incoming pod of kind " + kind + "; see INCOMING");
    }
    return p;
  }

  /** The cluster of {@code nodes} nodes for {@code seed}; at least 20 nodes. */
  public static RealisticCluster generate(int nodes, long seed) {
    if (nodes < 20) {
      throw new IllegalArgumentException("a realistic mix needs at least 20 nodes, got " + nodes);
    }
    return new Builder(nodes, seed).build();
  }

  // ------------------------------------------------------------------------------------------

  private enum Pool {
    GENERAL,
    HIGHMEM,
    SPOT,
    GPU,
    INFRA;

    String label() {
      return name().toLowerCase(java.util.Locale.ROOT);
    }
  }

  /** What a pod template needs of a node, and what it uses there. */
  private record Need(
      long milliCpu,
      long memory,
      long ephemeral,
      long gpus,
      Set<Pool> pools,
      String disktype,
      int zone,
      int hostPort,
      String antiAffinityApp) {}

  /** Per-node bookkeeping while placing pods. */
  private static final class Slot {
    final String name;
    final Pool pool;
    final int zone;
    final String disktype;
    long milliCpu;
    long memory;
    long ephemeral;
    long gpus;
    int pods;
    Set<Integer> hostPorts;
    Set<String> apps;

    Slot(String name, Pool pool, int zone, String disktype, long cpu, long mem, long gpus) {
      this.name = name;
      this.pool = pool;
      this.zone = zone;
      this.disktype = disktype;
      this.milliCpu = cpu;
      this.memory = mem;
      this.ephemeral = 47_093_746_742L;
      this.gpus = gpus;
      this.pods = 110;
    }

    boolean fits(Need n) {
      return pods >= 1
          && milliCpu >= n.milliCpu
          && memory >= n.memory
          && ephemeral >= n.ephemeral
          && gpus >= n.gpus
          && n.pools.contains(pool)
          && (n.disktype == null || n.disktype.equals(disktype))
          && (n.zone < 0 || n.zone == zone)
          && (n.hostPort == 0 || hostPorts == null || !hostPorts.contains(n.hostPort))
          && (n.antiAffinityApp == null || apps == null || !apps.contains(n.antiAffinityApp));
    }

    void take(Need n, String app) {
      pods--;
      milliCpu -= n.milliCpu;
      memory -= n.memory;
      ephemeral -= n.ephemeral;
      gpus -= n.gpus;
      if (n.hostPort != 0) {
        if (hostPorts == null) {
          hostPorts = new HashSet<>();
        }
        hostPorts.add(n.hostPort);
      }
      if (apps == null) {
        apps = new HashSet<>();
      }
      apps.add(app);
    }
  }

  /** Requests of the seven sizes an application container comes in: {cpu, memory}, null = none. */
  private static final String[][] SIZES = {
    {"50m", "64Mi"},
    {"100m", "128Mi"},
    {"250m", "256Mi"},
    {"500m", "512Mi"},
    {"1", "1Gi"},
    {"100m", null},
    {null, null},
  };

  private static final int[] SIZE_WEIGHTS = {20, 30, 20, 12, 6, 7, 5};

  private static final String[] NAMESPACES = {
    "default", "shop", "payments", "search", "ads", "analytics", "auth", "media", "notifications",
    "reporting", "ml", "data", "web", "api", "billing", "catalog", "checkout", "inventory",
    "monitoring", "logging"
  };

  private static final Map<String, Long> SYSTEM_IMAGES =
      Map.of(
          "k8s.gcr.io/pause:3.1", 742_472L,
          "k8s.gcr.io/kube-proxy:v1.17.0", 115_960_823L,
          "quay.io/prometheus/node-exporter:v0.18.1", 22_933_477L,
          "fluent/fluentd:v1.9", 98_217_634L);

  private static final class Builder {
    private final int n;
    private final SplittableRandom rnd;
    private final List<Node> nodes = new ArrayList<>();
    private final List<Slot> slots = new ArrayList<>();
    private final List<Pod> pods = new ArrayList<>();
    private final Map<String, Pod> incoming = new LinkedHashMap<>();
    private final List<PersistentVolumeClaim> claims = new ArrayList<>();
    private final List<PersistentVolume> volumes = new ArrayList<>();
    private final List<Service> services = new ArrayList<>();
    private final List<String> appImages = new ArrayList<>();
    private final List<Long> appImageSizes = new ArrayList<>();

    /** Apps whose pods could be placed, with the zone of their first pod: affinity targets. */
    private final Map<String, Integer> cacheZones = new LinkedHashMap<>();

    private final Map<String, String> spreadApps = new LinkedHashMap<>();
    private final Map<String, String> hostPortApps = new LinkedHashMap<>();
    private Instant clock = Fixtures.DEFAULT_CREATION;
    private int podSeq;

    Builder(int nodes, long seed) {
      this.n = nodes;
      this.rnd = new SplittableRandom(seed);
      for (int i = 0; i < 40; i++) {
        appImages.add("registry.kubelab.io/team-" + (i % 9) + "/service-" + i + ":1." + (i % 7));
        appImageSizes.add(20_000_000L + rnd.nextLong(880_000_000L));
      }
    }

    RealisticCluster build() {
      buildNodes();
      daemonSets();
      workloads();
      incomingPods();
      return new RealisticCluster(nodes, pods, incoming, claims, volumes, services);
    }

    // ---- nodes -------------------------------------------------------------------------------

    private void buildNodes() {
      for (int i = 0; i < n; i++) {
        int r = rnd.nextInt(100);
        Pool pool =
            r < 70
                ? Pool.GENERAL
                : r < 82 ? Pool.HIGHMEM : r < 92 ? Pool.SPOT : r < 96 ? Pool.GPU : Pool.INFRA;
        // The first nodes make sure every pool exists, even in a small cluster.
        if (i < Pool.values().length) {
          pool = Pool.values()[i];
        }
        int zw = rnd.nextInt(100);
        int zone = zw < 40 ? 0 : zw < 75 ? 1 : 2;
        node(i, pool, zone);
      }
    }

    private void node(int i, Pool pool, int zone) {
      String name =
          String.format(
              "gke-prod-%s-%s-%05d",
              pool.label(), ZONES.get(zone).substring(ZONES.get(zone).length() - 1), i);
      boolean big = pool == Pool.GENERAL && rnd.nextInt(3) == 0;
      String type;
      String cpu;
      String mem;
      switch (pool) {
        case HIGHMEM -> {
          type = "n1-highmem-32";
          cpu = "31850m";
          mem = "197732120Ki";
        }
        case GPU -> {
          type = "n1-standard-16";
          cpu = "15890m";
          mem = "57946444Ki";
        }
        case INFRA -> {
          type = "n1-standard-4";
          cpu = "3920m";
          mem = "12698876Ki";
        }
        default -> {
          type = big ? "n1-standard-16" : "n1-standard-8";
          cpu = big ? "15890m" : "7910m";
          mem = big ? "57946444Ki" : "26553284Ki";
        }
      }
      String disktype = pool == Pool.INFRA ? "pd-standard" : rnd.nextBoolean() ? "ssd" : "hdd";
      Fixtures.NodeFixture f =
          Fixtures.node(name)
              .allocatable(cpu, mem)
              .ephemeralStorage("47093746742")
              .scalar("attachable-volumes-gce-pd", "127")
              .zone(ZONES.get(zone))
              .region(REGION)
              .labels(
                  "beta.kubernetes.io/instance-type",
                  type,
                  "node.kubernetes.io/instance-type",
                  type,
                  "beta.kubernetes.io/os",
                  "linux",
                  "kubernetes.io/os",
                  "linux",
                  "beta.kubernetes.io/arch",
                  "amd64",
                  "kubernetes.io/arch",
                  "amd64",
                  "cloud.google.com/gke-nodepool",
                  pool.label() + "-pool",
                  POOL_LABEL,
                  pool.label(),
                  "disktype",
                  disktype);
      boolean hugepages = pool == Pool.HIGHMEM && rnd.nextBoolean();
      f.scalar("hugepages-2Mi", hugepages ? "2Gi" : "0");
      f.scalar("hugepages-1Gi", "0");
      long gpus = 0;
      switch (pool) {
        case GPU -> {
          gpus = 4;
          f.scalar(GPU, "4")
              .label("cloud.google.com/gke-accelerator", "nvidia-tesla-t4")
              .taint(GPU_TAINT, "present", "NoSchedule");
        }
        case INFRA -> f.label("dedicated", "infra").taint("dedicated", "infra", "NoSchedule");
        case SPOT ->
            f.label("cloud.google.com/gke-preemptible", "true")
                .taint(SPOT_TAINT, "true", "PreferNoSchedule");
        default -> {}
      }
      int trouble = rnd.nextInt(1000);
      if (trouble < 10) {
        f.unschedulable().taint("node.kubernetes.io/unschedulable", "NoSchedule");
      } else if (trouble < 15) {
        f.condition("Ready", "True")
            .condition("MemoryPressure", "True")
            .taint("node.kubernetes.io/memory-pressure", "NoSchedule");
      } else if (trouble < 20) {
        f.condition("Ready", "True")
            .condition("DiskPressure", "True")
            .taint("node.kubernetes.io/disk-pressure", "NoSchedule");
      } else if (trouble < 23) {
        f.condition("Ready", "False")
            .taint("node.kubernetes.io/not-ready", "NoSchedule")
            .taint("node.kubernetes.io/not-ready", "NoExecute");
      } else {
        f.condition("Ready", "True")
            .condition("MemoryPressure", "False")
            .condition("DiskPressure", "False")
            .condition("PIDPressure", "False");
      }
      SYSTEM_IMAGES.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> f.image(e.getValue(), e.getKey()));
      int images = 4 + rnd.nextInt(7);
      Set<Integer> taken = new HashSet<>();
      for (int k = 0; k < images; k++) {
        int img = rnd.nextInt(appImages.size());
        if (taken.add(img)) {
          f.image(appImageSizes.get(img), appImages.get(img));
        }
      }
      if (pool == Pool.GPU) {
        f.image(2_900_000_000L, "tensorflow/tensorflow:2.1.0-gpu");
      }
      nodes.add(f.build());
      Slot s =
          new Slot(
              name,
              pool,
              zone,
              disktype,
              Fixtures.q(cpu).getNumericalAmount().movePointRight(3).longValue(),
              Fixtures.q(mem).getNumericalAmount().longValue(),
              gpus);
      slots.add(s);
    }

    // ---- pods --------------------------------------------------------------------------------

    private String nextName(String prefix) {
      podSeq++;
      return prefix
          + "-"
          + Integer.toString(podSeq * 7919 % 1_679_616 + 1_679_616, 36).substring(1);
    }

    private Instant tick() {
      clock = clock.plusSeconds(1 + rnd.nextInt(30));
      return clock;
    }

    /** The service-account token volume every pod of the era carries. */
    private static Volume token(String namespace) {
      Volume v = new Volume();
      v.setName("default-token-" + Integer.toString(Math.abs(namespace.hashCode()) % 46656, 36));
      SecretVolumeSource s = new SecretVolumeSource();
      s.setSecretName(v.getName());
      s.setDefaultMode(420);
      v.setSecret(s);
      return v;
    }

    private static Volume configMap(String app) {
      Volume v = new Volume();
      v.setName("config");
      ConfigMapVolumeSource s = new ConfigMapVolumeSource();
      s.setName(app + "-config");
      v.setConfigMap(s);
      return v;
    }

    private void daemonSets() {
      for (Slot s : slots) {
        daemon(
            s, "node-exporter", "quay.io/prometheus/node-exporter:v0.18.1", "100m", "30Mi", 9100);
        daemon(s, "kube-proxy", "k8s.gcr.io/kube-proxy:v1.17.0", "100m", null, 0);
        daemon(s, "fluentd", "fluent/fluentd:v1.9", "100m", "200Mi", 0);
      }
    }

    private void daemon(Slot s, String ds, String image, String cpu, String mem, int hostPort) {
      String ns = ds.equals("node-exporter") ? "monitoring" : "kube-system";
      Fixtures.PodFixture f =
          Fixtures.pod(nextName(ds))
              .namespace(ns)
              .labels("k8s-app", ds, "controller-revision-hash", "7d9c4b5f6")
              .container(ds)
              .image(image)
              .requests(cpu, mem)
              .priority(2_000_001_000)
              .priorityClassName("system-node-critical")
              .toleration(Fixtures.toleration(null, "Exists", null, null))
              .requiredNodeAffinity(Fixtures.fieldTerm("In", s.name))
              .volume(token(ns))
              .ownedBy("DaemonSet", ds)
              .createdAt(tick());
      if (mem != null) {
        f.limits(null, mem);
      }
      if (hostPort != 0) {
        f.hostPort(hostPort);
      }
      Need need =
          new Need(milli(cpu), bytes(mem), 0, 0, Set.of(Pool.values()), null, -1, hostPort, null);
      s.take(need, ds);
      pods.add(f.nodeName(s.name).build());
    }

    private void workloads() {
      int target = n * PODS_PER_NODE;
      int app = 0;
      // Infra first: ingress controllers and coredns, as a cluster is brought up.
      workload(app++, "ingress-nginx", "kube-system", Kind.INGRESS, Math.max(2, n / 500), SIZES[3]);
      workload(app++, "coredns", "kube-system", Kind.SYSTEM, Math.max(2, n / 256), SIZES[1]);
      while (pods.size() < target) {
        int r = rnd.nextInt(100);
        Kind kind =
            r < 62
                ? Kind.WEB
                : r < 72
                    ? Kind.CACHE
                    : r < 78 ? Kind.DB : r < 92 ? Kind.BATCH : r < 95 ? Kind.GPU : Kind.LEGACY;
        String ns = NAMESPACES[rnd.nextInt(NAMESPACES.length)];
        String name = kind.name().toLowerCase(java.util.Locale.ROOT) + "-" + app;
        int replicas =
            switch (kind) {
              case WEB -> 2 + rnd.nextInt(11);
              case CACHE -> 1 + rnd.nextInt(4);
              case DB -> 1 + rnd.nextInt(3);
              case BATCH -> 1 + rnd.nextInt(8);
              case GPU -> 1 + rnd.nextInt(2);
              default -> 1 + rnd.nextInt(3);
            };
        workload(app++, name, ns, kind, replicas, pickSize());
      }
    }

    private enum Kind {
      WEB,
      CACHE,
      DB,
      BATCH,
      GPU,
      LEGACY,
      INGRESS,
      SYSTEM
    }

    private String[] pickSize() {
      int w = rnd.nextInt(100);
      for (int i = 0; i < SIZES.length; i++) {
        w -= SIZE_WEIGHTS[i];
        if (w < 0) {
          return SIZES[i];
        }
      }
      return SIZES[0];
    }

    /** One workload: a template with per-workload choices, then each replica placed. */
    private void workload(int app, String name, String ns, Kind kind, int replicas, String[] size) {
      String cpu = size[0];
      String mem = size[1];
      String image = appImages.get(app % appImages.size());
      Set<Pool> pools = Set.of(Pool.GENERAL, Pool.HIGHMEM);
      String disktype = null;
      int zone = -1;
      int hostPort = 0;
      boolean requiredAnti = false;
      boolean preferredAnti = false;
      String affinityTo = null;
      boolean spread = false;
      boolean initContainer = rnd.nextInt(5) == 0;
      boolean sidecar = rnd.nextInt(10) < 3;
      boolean service = false;
      String owner = "ReplicaSet";
      String ownerName = name + "-" + Integer.toString(100_000 + rnd.nextInt(800_000), 36);
      long gpus = 0;
      String ephemeral = null;
      int priority = 0;
      String priorityClass = null;
      List<String> tolerateSpot = List.of();
      switch (kind) {
        case WEB -> {
          service = rnd.nextInt(10) < 7;
          preferredAnti = rnd.nextInt(10) < 3;
          requiredAnti = rnd.nextInt(100) < 4;
          spread = rnd.nextInt(100) < 5;
          if (rnd.nextInt(100) < 10) {
            disktype = "ssd";
          }
          if (rnd.nextInt(100) < 8) {
            zone = rnd.nextInt(ZONES.size());
          }
          if (rnd.nextInt(100) < 12) {
            pools = Set.of(Pool.GENERAL, Pool.HIGHMEM, Pool.SPOT);
            tolerateSpot = List.of("spot");
          }
          if (rnd.nextInt(100) < 3) {
            hostPort = 8080 + rnd.nextInt(4);
          }
          if (rnd.nextInt(100) < 15) {
            priority = 1000;
            priorityClass = "high";
          }
        }
        case CACHE -> {
          cpu = "250m";
          mem = "1Gi";
          image = "redis:5.0.7";
          requiredAnti = rnd.nextBoolean();
          if (!cacheZones.isEmpty() && rnd.nextInt(3) == 0) {
            // Close to another cache: required pod affinity by zone.
            List<String> targets = new ArrayList<>(cacheZones.keySet());
            affinityTo = targets.get(rnd.nextInt(targets.size()));
            zone = cacheZones.get(affinityTo);
          }
        }
        case DB -> {
          owner = "StatefulSet";
          ownerName = name;
          cpu = rnd.nextBoolean() ? "1" : "2";
          mem = cpu.equals("1") ? "4Gi" : "8Gi";
          image = "postgres:12.1";
          requiredAnti = true;
          service = true;
          priority = 1000;
          priorityClass = "high";
        }
        case BATCH -> {
          owner = "Job";
          ownerName = name;
          cpu = rnd.nextBoolean() ? "500m" : "2";
          mem = cpu.equals("2") ? "4Gi" : "1Gi";
          ephemeral = "2Gi";
          pools = Set.of(Pool.GENERAL, Pool.HIGHMEM, Pool.SPOT);
          tolerateSpot = List.of("spot");
        }
        case GPU -> {
          owner = "Job";
          ownerName = name;
          cpu = "4";
          mem = "16Gi";
          gpus = 1 + rnd.nextInt(2);
          image = "tensorflow/tensorflow:2.1.0-gpu";
          pools = Set.of(Pool.GPU);
        }
        case INGRESS -> {
          pools = Set.of(Pool.INFRA);
          hostPort = 80;
          requiredAnti = true;
          image = "quay.io/kubernetes-ingress-controller/nginx-ingress-controller:0.26.1";
          priority = 2_000_000_000;
          priorityClass = "system-cluster-critical";
          sidecar = false;
          initContainer = false;
        }
        case SYSTEM -> {
          cpu = "100m";
          mem = "70Mi";
          image = "k8s.gcr.io/coredns:1.6.5";
          preferredAnti = true;
          service = true;
          priority = 2_000_000_000;
          priorityClass = "system-cluster-critical";
          sidecar = false;
          initContainer = false;
        }
        case LEGACY -> {
          cpu = "500m";
          mem = "512Mi";
          hostPort = rnd.nextBoolean() ? 8080 + rnd.nextInt(4) : 0;
        }
      }
      String initCpu = rnd.nextBoolean() ? "500m" : "2";
      String initMem = rnd.nextBoolean() ? "256Mi" : "2Gi";
      long needCpu = milli(cpu) + (sidecar ? 50 : 0);
      long needMem = bytes(mem) + (sidecar ? 64L << 20 : 0);
      if (initContainer) {
        needCpu = Math.max(needCpu, milli(initCpu));
        needMem = Math.max(needMem, bytes(initMem));
      }
      Need need =
          new Need(
              needCpu,
              needMem,
              bytes(ephemeral),
              gpus,
              pools,
              disktype,
              zone,
              hostPort,
              requiredAnti ? name : null);
      int placed = 0;
      int spreadNext = rnd.nextInt(ZONES.size());
      for (int rep = 0; rep < replicas; rep++) {
        Need here = need;
        if (spread) {
          here =
              new Need(
                  needCpu,
                  needMem,
                  need.ephemeral,
                  gpus,
                  pools,
                  disktype,
                  spreadNext,
                  hostPort,
                  need.antiAffinityApp);
          spreadNext = (spreadNext + 1) % ZONES.size();
        }
        Slot slot = place(here);
        if (slot == null) {
          continue;
        }
        String podName = owner.equals("StatefulSet") ? ownerName + "-" + rep : nextName(ownerName);
        Fixtures.PodFixture f =
            Fixtures.pod(podName)
                .namespace(ns)
                .labels("app", name, "tier", kind.name().toLowerCase(java.util.Locale.ROOT))
                .container("main")
                .image(image)
                .requests(cpu, mem)
                .createdAt(tick())
                .volume(token(ns));
        if (cpu != null && rnd.nextBoolean()) {
          f.limits(cpu, mem);
        }
        if (ephemeral != null) {
          f.request("ephemeral-storage", ephemeral);
        }
        if (gpus > 0) {
          f.request(GPU, String.valueOf(gpus)).limit(GPU, String.valueOf(gpus));
          f.toleration(GPU_TAINT, "Exists", null, "NoSchedule");
          f.nodeSelector("cloud.google.com/gke-accelerator", "nvidia-tesla-t4");
        }
        if (hostPort != 0) {
          f.hostPort(hostPort);
        }
        if (sidecar) {
          f.container("istio-proxy").image("docker.io/istio/proxyv2:1.4.3").requests("50m", "64Mi");
        }
        if (initContainer) {
          f.initContainer("init").image(image).requests(initCpu, initMem);
        }
        if (kind == Kind.WEB && rnd.nextInt(10) < 3) {
          f.volume(configMap(name));
        }
        if (kind == Kind.INGRESS) {
          f.nodeSelector("dedicated", "infra")
              .toleration("dedicated", "Equal", "infra", "NoSchedule");
        }
        if (!tolerateSpot.isEmpty()) {
          f.toleration(SPOT_TAINT, "Equal", "true", "PreferNoSchedule");
          if (kind == Kind.BATCH) {
            f.preferredNodeAffinity(
                80, Fixtures.term(Fixtures.expr(POOL_LABEL, "In", Pool.SPOT.label())));
          }
        }
        if (disktype != null) {
          f.nodeSelector("disktype", disktype);
        }
        if (zone >= 0 && affinityTo == null) {
          f.requiredNodeAffinity(
              Fixtures.term(Fixtures.expr(Fixtures.LABEL_ZONE_BETA, "In", ZONES.get(zone))));
        }
        if (kind == Kind.WEB && rnd.nextInt(100) < 5) {
          f.preferredNodeAffinity(
              20, Fixtures.term(Fixtures.expr(POOL_LABEL, "In", Pool.HIGHMEM.label())));
        }
        if (requiredAnti) {
          f.requiredPodAntiAffinity(
              Fixtures.affinityTerm(Fixtures.LABEL_HOSTNAME, Fixtures.matchLabels("app", name)));
        }
        if (preferredAnti) {
          f.preferredPodAntiAffinity(
              100,
              Fixtures.affinityTerm(Fixtures.LABEL_HOSTNAME, Fixtures.matchLabels("app", name)));
        }
        if (affinityTo != null) {
          f.requiredPodAffinity(
              Fixtures.affinityTerm(
                  Fixtures.LABEL_ZONE_BETA, Fixtures.matchLabels("app", affinityTo)));
        }
        if (spread) {
          f.spreadConstraint(
              1, Fixtures.LABEL_ZONE_BETA, "DoNotSchedule", Fixtures.matchLabels("app", name));
        }
        if (priorityClass != null) {
          f.priority(priority).priorityClassName(priorityClass);
        }
        if (kind == Kind.DB) {
          String claim = "data-" + podName;
          f.pvcVolume("data", claim);
          boolean local = rnd.nextInt(5) == 0;
          boundClaim(ns, claim, local ? STORAGE_CLASS_WAIT : STORAGE_CLASS_IMMEDIATE, slot);
        }
        if (kind == Kind.LEGACY) {
          f.gcePersistentDisk("assets", "shared-assets", true);
          f.gcePersistentDisk("scratch", "pd-" + podName, false);
        }
        f.ownedBy(owner, ownerName);
        slot.take(here, name);
        pods.add(f.nodeName(slot.name).build());
        if (placed++ == 0 && kind == Kind.CACHE) {
          cacheZones.put(name, slot.zone);
        }
        if (spread) {
          spreadApps.putIfAbsent(name, ns);
        }
        if (hostPort != 0) {
          hostPortApps.putIfAbsent(name, String.valueOf(hostPort));
        }
      }
      if (service && placed > 0) {
        service(ns, name);
      }
    }

    /** A node that fits: random probes first (cheap), then a scan; null when none fits. */
    private Slot place(Need need) {
      for (int probe = 0; probe < 64; probe++) {
        Slot s = slots.get(rnd.nextInt(slots.size()));
        if (s.fits(need)) {
          return s;
        }
      }
      int start = rnd.nextInt(slots.size());
      for (int i = 0; i < slots.size(); i++) {
        Slot s = slots.get((start + i) % slots.size());
        if (s.fits(need)) {
          return s;
        }
      }
      return null;
    }

    private void service(String ns, String app) {
      Service svc = new Service();
      ObjectMeta m = new ObjectMeta();
      m.setName(app);
      m.setNamespace(ns);
      m.setUid(Fixtures.uidFor("Service", ns + "/" + app));
      svc.setMetadata(m);
      ServiceSpec spec = new ServiceSpec();
      spec.setSelector(new LinkedHashMap<>(Map.of("app", app)));
      svc.setSpec(spec);
      services.add(svc);
    }

    /** A claim bound to a volume: a zonal GCE PD, or a local volume on the pod's node. */
    private void boundClaim(String ns, String claim, String storageClass, Slot slot) {
      String pv = "pvc-" + Fixtures.uidFor("PersistentVolumeClaim", ns + "/" + claim);
      PersistentVolumeClaim c = claim(ns, claim, storageClass);
      c.getSpec().setVolumeName(pv);
      PersistentVolumeClaimStatus cs = new PersistentVolumeClaimStatus();
      cs.setPhase("Bound");
      c.setStatus(cs);
      claims.add(c);

      PersistentVolume v = new PersistentVolume();
      ObjectMeta m = new ObjectMeta();
      m.setName(pv);
      m.setUid(Fixtures.uidFor("PersistentVolume", pv));
      PersistentVolumeSpec spec = new PersistentVolumeSpec();
      spec.setCapacity(new LinkedHashMap<>(Map.of("storage", new Quantity("100Gi"))));
      spec.setAccessModes(new ArrayList<>(List.of("ReadWriteOnce")));
      spec.setStorageClassName(storageClass);
      spec.setPersistentVolumeReclaimPolicy("Delete");
      ObjectReference ref = new ObjectReference();
      ref.setKind("PersistentVolumeClaim");
      ref.setNamespace(ns);
      ref.setName(claim);
      ref.setUid(c.getMetadata().getUid());
      spec.setClaimRef(ref);
      VolumeNodeAffinity affinity = new VolumeNodeAffinity();
      NodeSelector sel = new NodeSelector();
      if (storageClass.equals(STORAGE_CLASS_WAIT)) {
        LocalVolumeSource local = new LocalVolumeSource();
        local.setPath("/mnt/disks/ssd0");
        spec.setLocal(local);
        sel.setNodeSelectorTerms(
            new ArrayList<>(
                List.of(Fixtures.term(Fixtures.expr(Fixtures.LABEL_HOSTNAME, "In", slot.name)))));
      } else {
        GCEPersistentDiskVolumeSource gce = new GCEPersistentDiskVolumeSource();
        gce.setPdName(pv);
        gce.setFsType("ext4");
        spec.setGcePersistentDisk(gce);
        m.setLabels(
            new LinkedHashMap<>(
                Map.of(
                    Fixtures.LABEL_ZONE_BETA,
                    ZONES.get(slot.zone),
                    Fixtures.LABEL_REGION_BETA,
                    REGION)));
        sel.setNodeSelectorTerms(
            new ArrayList<>(
                List.of(
                    Fixtures.term(
                        Fixtures.expr(Fixtures.LABEL_ZONE_BETA, "In", ZONES.get(slot.zone)),
                        Fixtures.expr(Fixtures.LABEL_REGION_BETA, "In", REGION)))));
      }
      affinity.setRequired(sel);
      spec.setNodeAffinity(affinity);
      v.setMetadata(m);
      v.setSpec(spec);
      PersistentVolumeStatus vs = new PersistentVolumeStatus();
      vs.setPhase("Bound");
      v.setStatus(vs);
      volumes.add(v);
    }

    private static PersistentVolumeClaim claim(String ns, String name, String storageClass) {
      PersistentVolumeClaim c = new PersistentVolumeClaim();
      ObjectMeta m = new ObjectMeta();
      m.setName(name);
      m.setNamespace(ns);
      m.setUid(Fixtures.uidFor("PersistentVolumeClaim", ns + "/" + name));
      c.setMetadata(m);
      PersistentVolumeClaimSpec spec = new PersistentVolumeClaimSpec();
      spec.setStorageClassName(storageClass);
      spec.setAccessModes(new ArrayList<>(List.of("ReadWriteOnce")));
      VolumeResourceRequirements rr = new VolumeResourceRequirements();
      rr.setRequests(new LinkedHashMap<>(Map.of("storage", new Quantity("100Gi"))));
      spec.setResources(rr);
      c.setSpec(spec);
      PersistentVolumeClaimStatus st = new PersistentVolumeClaimStatus();
      st.setPhase("Pending");
      c.setStatus(st);
      return c;
    }

    // ---- incoming ----------------------------------------------------------------------------

    private Fixtures.PodFixture pending(String kind, String app) {
      return Fixtures.pod("incoming-" + kind)
          .namespace("shop")
          .labels("app", app, "tier", "web")
          .container("main")
          .image(appImages.get(kind.length() % appImages.size()))
          .requests("250m", "256Mi")
          .volume(token("shop"))
          .ownedBy("ReplicaSet", app + "-5d8f7b6c9")
          .createdAt(tick());
    }

    private void incomingPods() {
      incoming.put("basic", pending("basic", "incoming").build());
      incoming.put(
          "nodeSelector",
          pending("nodeSelector", "incoming")
              .nodeSelector("disktype", "ssd")
              .nodeSelector(POOL_LABEL, Pool.GENERAL.label())
              .build());
      incoming.put(
          "nodeAffinity",
          pending("nodeAffinity", "incoming")
              .requiredNodeAffinity(
                  Fixtures.term(
                      Fixtures.expr(Fixtures.LABEL_ZONE_BETA, "In", ZONES.get(0), ZONES.get(1)),
                      Fixtures.expr("node.kubernetes.io/instance-type", "NotIn", "n1-standard-4")))
              .preferredNodeAffinity(
                  50, Fixtures.term(Fixtures.expr(POOL_LABEL, "In", Pool.HIGHMEM.label())))
              .build());
      incoming.put(
          "tolerations",
          pending("tolerations", "incoming")
              .toleration(SPOT_TAINT, "Equal", "true", "PreferNoSchedule")
              .toleration("dedicated", "Equal", "infra", "NoSchedule")
              .toleration("node.kubernetes.io/not-ready", "Exists", null, "NoExecute")
              .build());
      String portApp = hostPortApps.keySet().stream().findFirst().orElse("web-0");
      incoming.put(
          "hostPort",
          pending("hostPort", "incoming")
              .hostPort(Integer.parseInt(hostPortApps.getOrDefault(portApp, "8080")))
              .build());
      String big = biggestApp();
      incoming.put(
          "podAntiAffinity",
          pending("podAntiAffinity", big)
              .requiredPodAntiAffinity(
                  Fixtures.affinityTerm(Fixtures.LABEL_HOSTNAME, Fixtures.matchLabels("app", big)))
              .build());
      String cache = cacheZones.keySet().stream().findFirst().orElse("cache-0");
      incoming.put(
          "podAffinity",
          pending("podAffinity", "incoming")
              .requiredPodAffinity(
                  Fixtures.affinityTerm(
                      Fixtures.LABEL_ZONE_BETA, Fixtures.matchLabels("app", cache)))
              .build());
      String spread = spreadApps.keySet().stream().findFirst().orElse(big);
      incoming.put(
          "spread",
          pending("spread", spread)
              .spreadConstraint(
                  1, Fixtures.LABEL_ZONE_BETA, "DoNotSchedule", Fixtures.matchLabels("app", spread))
              .build());
      PersistentVolumeClaim waiting = claim("shop", "incoming-scratch", STORAGE_CLASS_WAIT);
      claims.add(waiting);
      incoming.put(
          "pvc",
          pending("pvc", "incoming").pvcVolume("scratch", waiting.getMetadata().getName()).build());
      incoming.put(
          "gpu",
          pending("gpu", "incoming")
              .request(GPU, "1")
              .limit(GPU, "1")
              .toleration(GPU_TAINT, "Exists", null, "NoSchedule")
              .build());
      incoming.put(
          "unschedulable", pending("unschedulable", "incoming").requests("64", "256Gi").build());
    }

    /** The app with the most pods outside kube-system: the strongest anti-affinity. */
    private String biggestApp() {
      Map<String, Integer> count = new LinkedHashMap<>();
      for (Pod p : pods) {
        String app = p.getMetadata().getLabels().get("app");
        if (app != null && app.startsWith("web-")) {
          count.merge(app, 1, Integer::sum);
        }
      }
      return count.entrySet().stream()
          .max(Map.Entry.comparingByValue())
          .map(Map.Entry::getKey)
          .orElse("web-0");
    }
  }

  private static long milli(String cpu) {
    return cpu == null ? 0 : Fixtures.q(cpu).getNumericalAmount().movePointRight(3).longValue();
  }

  private static long bytes(String q) {
    return q == null ? 0 : Fixtures.q(q).getNumericalAmount().longValue();
  }
}
