package io.kubelab.apimachinery.testing;

import io.fabric8.kubernetes.api.model.Affinity;
import io.fabric8.kubernetes.api.model.Container;
import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerImage;
import io.fabric8.kubernetes.api.model.ContainerPort;
import io.fabric8.kubernetes.api.model.EmptyDirVolumeSource;
import io.fabric8.kubernetes.api.model.GCEPersistentDiskVolumeSource;
import io.fabric8.kubernetes.api.model.LabelSelector;
import io.fabric8.kubernetes.api.model.LabelSelectorRequirement;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeAffinity;
import io.fabric8.kubernetes.api.model.NodeCondition;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.NodeSelectorRequirement;
import io.fabric8.kubernetes.api.model.NodeSelectorTerm;
import io.fabric8.kubernetes.api.model.NodeSpec;
import io.fabric8.kubernetes.api.model.NodeStatus;
import io.fabric8.kubernetes.api.model.ObjectMeta;
import io.fabric8.kubernetes.api.model.OwnerReference;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaimVolumeSource;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinity;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodAntiAffinity;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.PodSpec;
import io.fabric8.kubernetes.api.model.PodSpecBuilder;
import io.fabric8.kubernetes.api.model.PodStatus;
import io.fabric8.kubernetes.api.model.PreferredSchedulingTerm;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.api.model.ResourceRequirements;
import io.fabric8.kubernetes.api.model.Taint;
import io.fabric8.kubernetes.api.model.Toleration;
import io.fabric8.kubernetes.api.model.TopologySpreadConstraint;
import io.fabric8.kubernetes.api.model.Volume;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Fixtures that read like prose and return fabric8 objects:
 *
 * <pre>{@code
 * Pod p = pod("web-1").namespace("prod").label("app", "web").requests("500m", "1Gi")
 *     .priority(100).toleration("dedicated", "Equal", "web", "NoSchedule").build();
 * Node n = node("n1").allocatable("4", "8Gi").pods(110).zone("zone-a").build();
 * }</pre>
 *
 * <p>Upstream counterpart: the {@code st.MakePod()} / {@code st.MakeNode()} wrappers of {@code
 * pkg/scheduler/testing/wrappers.go}, and the ad-hoc {@code v1.Pod{...}} literals of upstream
 * tests. Defaults are those of a real object, so that a fixture passes validation: namespace {@code
 * default}, a uid derived from namespace and name (stable across runs), one container {@code app}
 * when none was declared, and for nodes the {@code kubernetes.io/hostname} label, {@code pods: 110}
 * (the kubelet's default {@code maxPods}), capacity equal to allocatable and a {@code Ready=True}
 * condition. Every default can be overridden.
 */
public final class Fixtures {

  /** The hostname label every kubelet sets on its node. */
  public static final String LABEL_HOSTNAME = "kubernetes.io/hostname";

  /** The v1.18 GA zone label. */
  public static final String LABEL_ZONE = "topology.kubernetes.io/zone";

  /** The v1.18 GA region label. */
  public static final String LABEL_REGION = "topology.kubernetes.io/region";

  /** The deprecated beta zone label, still what v1.18's scheduler spreads by. */
  public static final String LABEL_ZONE_BETA = "failure-domain.beta.kubernetes.io/zone";

  /** The deprecated beta region label. */
  public static final String LABEL_REGION_BETA = "failure-domain.beta.kubernetes.io/region";

  /** The kubelet's default {@code --max-pods}. */
  public static final int DEFAULT_MAX_PODS = 110;

  /** The creation time of fixtures that do not set one: a fixed, readable instant. */
  public static final Instant DEFAULT_CREATION = Instant.parse("2020-01-01T00:00:00Z");

  private Fixtures() {}

  /** A pod named {@code name} in namespace {@code default}. */
  public static PodFixture pod(String name) {
    return new PodFixture(name);
  }

  /** A node named {@code name}. */
  public static NodeFixture node(String name) {
    return new NodeFixture(name);
  }

  /** A quantity, for maps the fixtures do not cover. */
  public static Quantity q(String text) {
    return new Quantity(text);
  }

  /** A taint. {@code value} may be null. */
  public static Taint taint(String key, String value, String effect) {
    Taint t = new Taint();
    t.setKey(key);
    t.setValue(value);
    t.setEffect(effect);
    return t;
  }

  /** A toleration; any argument may be null, as in a manifest that omits the field. */
  public static Toleration toleration(String key, String operator, String value, String effect) {
    Toleration t = new Toleration();
    t.setKey(key);
    t.setOperator(operator);
    t.setValue(value);
    t.setEffect(effect);
    return t;
  }

  /** A node selector requirement, e.g. {@code expr("disktype", "In", "ssd")}. */
  public static NodeSelectorRequirement expr(String key, String operator, String... values) {
    NodeSelectorRequirement r = new NodeSelectorRequirement();
    r.setKey(key);
    r.setOperator(operator);
    r.setValues(new ArrayList<>(Arrays.asList(values)));
    return r;
  }

  /** A node selector term ANDing {@code matchExpressions}. */
  public static NodeSelectorTerm term(NodeSelectorRequirement... matchExpressions) {
    NodeSelectorTerm t = new NodeSelectorTerm();
    t.setMatchExpressions(new ArrayList<>(Arrays.asList(matchExpressions)));
    t.setMatchFields(new ArrayList<>());
    return t;
  }

  /** A node selector term on {@code metadata.name} only: {@code matchFields In [name]}. */
  public static NodeSelectorTerm fieldTerm(String operator, String nodeName) {
    NodeSelectorTerm t = new NodeSelectorTerm();
    t.setMatchExpressions(new ArrayList<>());
    t.setMatchFields(new ArrayList<>(List.of(expr("metadata.name", operator, nodeName))));
    return t;
  }

  /** A label selector from alternating keys and values: {@code matchLabels("app", "web")}. */
  public static LabelSelector matchLabels(String... keyValues) {
    LabelSelector s = new LabelSelector();
    s.setMatchLabels(pairs(keyValues));
    s.setMatchExpressions(new ArrayList<>());
    return s;
  }

  /** A label selector requirement for {@code matchExpressions}. */
  public static LabelSelectorRequirement labelExpr(String key, String operator, String... values) {
    LabelSelectorRequirement r = new LabelSelectorRequirement();
    r.setKey(key);
    r.setOperator(operator);
    r.setValues(new ArrayList<>(Arrays.asList(values)));
    return r;
  }

  /** A label selector of {@code matchExpressions} only. */
  public static LabelSelector matchExpressions(LabelSelectorRequirement... exprs) {
    LabelSelector s = new LabelSelector();
    s.setMatchLabels(new LinkedHashMap<>());
    s.setMatchExpressions(new ArrayList<>(Arrays.asList(exprs)));
    return s;
  }

  /** A pod (anti-)affinity term: pods matching {@code selector} in the same {@code topologyKey}. */
  public static PodAffinityTerm affinityTerm(String topologyKey, LabelSelector selector) {
    PodAffinityTerm t = new PodAffinityTerm();
    t.setTopologyKey(topologyKey);
    t.setLabelSelector(selector);
    t.setNamespaces(new ArrayList<>());
    return t;
  }

  /** A uid derived from a kind and a key, so fixtures built twice are equal. */
  public static String uidFor(String kind, String key) {
    return UUID.nameUUIDFromBytes((kind + "/" + key).getBytes(StandardCharsets.UTF_8)).toString();
  }

  /** An RFC 3339 timestamp, the wire form of {@code metav1.Time}. */
  public static String timestamp(Instant t) {
    return DateTimeFormatter.ISO_INSTANT.format(t.truncatedTo(ChronoUnit.SECONDS));
  }

  private static Map<String, String> pairs(String... keyValues) {
    if (keyValues.length % 2 != 0) {
      throw new IllegalArgumentException(
          "expected key/value pairs, got an odd count: " + Arrays.toString(keyValues));
    }
    Map<String, String> m = new LinkedHashMap<>();
    for (int i = 0; i < keyValues.length; i += 2) {
      m.put(keyValues[i], keyValues[i + 1]);
    }
    return m;
  }

  private static ResourceRequirements resources(Container c) {
    if (c.getResources() == null) {
      ResourceRequirements rr = new ResourceRequirements();
      rr.setRequests(new LinkedHashMap<>());
      rr.setLimits(new LinkedHashMap<>());
      c.setResources(rr);
    }
    return c.getResources();
  }

  private static Container newContainer(String name) {
    Container c = new Container();
    c.setName(name);
    c.setImage("registry.k8s.io/" + name + ":1.0");
    c.setPorts(new ArrayList<>());
    return c;
  }

  /**
   * A pod under construction, upstream's {@code st.PodWrapper} ({@code
   * pkg/scheduler/testing/wrappers.go}). Container-level calls ({@link #requests}, {@link #limits},
   * {@link #hostPort}, {@link #image}) apply to the container most recently declared with {@link
   * #container} or {@link #initContainer}; before any is declared they declare {@code app}.
   */
  public static final class PodFixture {
    private final ObjectMeta meta = new ObjectMeta();
    private final PodSpec spec = new PodSpec();
    private final PodStatus status = new PodStatus();
    private final List<Container> containers = new ArrayList<>();
    private final List<Container> initContainers = new ArrayList<>();
    private Container current;
    private boolean noContainers;
    private boolean uidSet;

    PodFixture(String name) {
      meta.setName(name);
      meta.setNamespace("default");
      meta.setLabels(new LinkedHashMap<>());
      meta.setAnnotations(new LinkedHashMap<>());
      meta.setOwnerReferences(new ArrayList<>());
      meta.setCreationTimestamp(timestamp(DEFAULT_CREATION));
      spec.setTolerations(new ArrayList<>());
      spec.setVolumes(new ArrayList<>());
      spec.setNodeSelector(new LinkedHashMap<>());
      spec.setSchedulerName("default-scheduler");
      status.setPhase("Pending");
    }

    public PodFixture namespace(String namespace) {
      meta.setNamespace(namespace);
      return this;
    }

    public PodFixture uid(String uid) {
      meta.setUid(uid);
      uidSet = true;
      return this;
    }

    public PodFixture label(String key, String value) {
      meta.getLabels().put(key, value);
      return this;
    }

    /** Labels from alternating keys and values. */
    public PodFixture labels(String... keyValues) {
      meta.getLabels().putAll(pairs(keyValues));
      return this;
    }

    public PodFixture labels(Map<String, String> labels) {
      meta.getLabels().putAll(labels);
      return this;
    }

    public PodFixture annotation(String key, String value) {
      meta.getAnnotations().put(key, value);
      return this;
    }

    /** Declares a new container; container-level calls that follow apply to it. */
    public PodFixture container(String name) {
      current = newContainer(name);
      containers.add(current);
      return this;
    }

    /** Declares a new init container; container-level calls that follow apply to it. */
    public PodFixture initContainer(String name) {
      current = newContainer(name);
      initContainers.add(current);
      return this;
    }

    /** A pod without any container, as many upstream unit tests build them. */
    public PodFixture noContainers() {
      noContainers = true;
      return this;
    }

    private Container current() {
      if (current == null) {
        container("app");
      }
      return current;
    }

    /** CPU and memory requests of the current container; null leaves one out. */
    public PodFixture requests(String cpu, String memory) {
      if (cpu != null) {
        request("cpu", cpu);
      }
      if (memory != null) {
        request("memory", memory);
      }
      return this;
    }

    /** One request of the current container, e.g. {@code request("nvidia.com/gpu", "1")}. */
    public PodFixture request(String resource, String quantity) {
      resources(current()).getRequests().put(resource, new Quantity(quantity));
      return this;
    }

    /** CPU and memory limits of the current container; null leaves one out. */
    public PodFixture limits(String cpu, String memory) {
      if (cpu != null) {
        limit("cpu", cpu);
      }
      if (memory != null) {
        limit("memory", memory);
      }
      return this;
    }

    public PodFixture limit(String resource, String quantity) {
      resources(current()).getLimits().put(resource, new Quantity(quantity));
      return this;
    }

    public PodFixture image(String image) {
      current().setImage(image);
      return this;
    }

    /** A TCP host port on the current container (container port equal to host port). */
    public PodFixture hostPort(int port) {
      return hostPort(port, "TCP", null);
    }

    /** A host port with protocol and host IP (null or empty means all addresses). */
    public PodFixture hostPort(int port, String protocol, String hostIp) {
      ContainerPort p = new ContainerPort();
      p.setContainerPort(port);
      p.setHostPort(port);
      p.setProtocol(protocol);
      p.setHostIP(hostIp);
      current().getPorts().add(p);
      return this;
    }

    /** {@code spec.overhead} (RuntimeClass overhead), CPU and memory; null leaves one out. */
    public PodFixture overhead(String cpu, String memory) {
      Map<String, Quantity> o = new LinkedHashMap<>();
      if (cpu != null) {
        o.put("cpu", new Quantity(cpu));
      }
      if (memory != null) {
        o.put("memory", new Quantity(memory));
      }
      spec.setOverhead(o);
      return this;
    }

    public PodFixture priority(int priority) {
      spec.setPriority(priority);
      return this;
    }

    public PodFixture priorityClassName(String name) {
      spec.setPriorityClassName(name);
      return this;
    }

    public PodFixture schedulerName(String name) {
      spec.setSchedulerName(name);
      return this;
    }

    /** Binds the pod to a node; a bound pod is {@code Running} unless a phase is set later. */
    public PodFixture nodeName(String nodeName) {
      spec.setNodeName(nodeName);
      if ("Pending".equals(status.getPhase())) {
        status.setPhase("Running");
      }
      return this;
    }

    public PodFixture nodeSelector(String key, String value) {
      spec.getNodeSelector().put(key, value);
      return this;
    }

    private Affinity affinity() {
      if (spec.getAffinity() == null) {
        spec.setAffinity(new Affinity());
      }
      return spec.getAffinity();
    }

    private NodeAffinity nodeAffinity() {
      Affinity a = affinity();
      if (a.getNodeAffinity() == null) {
        NodeAffinity na = new NodeAffinity();
        na.setPreferredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
        a.setNodeAffinity(na);
      }
      return a.getNodeAffinity();
    }

    private PodAffinity podAffinity() {
      Affinity a = affinity();
      if (a.getPodAffinity() == null) {
        PodAffinity pa = new PodAffinity();
        pa.setRequiredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
        pa.setPreferredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
        a.setPodAffinity(pa);
      }
      return a.getPodAffinity();
    }

    private PodAntiAffinity podAntiAffinity() {
      Affinity a = affinity();
      if (a.getPodAntiAffinity() == null) {
        PodAntiAffinity pa = new PodAntiAffinity();
        pa.setRequiredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
        pa.setPreferredDuringSchedulingIgnoredDuringExecution(new ArrayList<>());
        a.setPodAntiAffinity(pa);
      }
      return a.getPodAntiAffinity();
    }

    /** Adds an ORed term to {@code requiredDuringSchedulingIgnoredDuringExecution}. */
    public PodFixture requiredNodeAffinity(NodeSelectorTerm... terms) {
      NodeAffinity na = nodeAffinity();
      if (na.getRequiredDuringSchedulingIgnoredDuringExecution() == null) {
        NodeSelector ns = new NodeSelector();
        ns.setNodeSelectorTerms(new ArrayList<>());
        na.setRequiredDuringSchedulingIgnoredDuringExecution(ns);
      }
      na.getRequiredDuringSchedulingIgnoredDuringExecution()
          .getNodeSelectorTerms()
          .addAll(Arrays.asList(terms));
      return this;
    }

    /** Adds a weighted term to {@code preferredDuringSchedulingIgnoredDuringExecution}. */
    public PodFixture preferredNodeAffinity(int weight, NodeSelectorTerm term) {
      PreferredSchedulingTerm p = new PreferredSchedulingTerm();
      p.setWeight(weight);
      p.setPreference(term);
      nodeAffinity().getPreferredDuringSchedulingIgnoredDuringExecution().add(p);
      return this;
    }

    public PodFixture requiredPodAffinity(PodAffinityTerm term) {
      podAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().add(term);
      return this;
    }

    public PodFixture preferredPodAffinity(int weight, PodAffinityTerm term) {
      podAffinity()
          .getPreferredDuringSchedulingIgnoredDuringExecution()
          .add(weighted(weight, term));
      return this;
    }

    public PodFixture requiredPodAntiAffinity(PodAffinityTerm term) {
      podAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution().add(term);
      return this;
    }

    public PodFixture preferredPodAntiAffinity(int weight, PodAffinityTerm term) {
      podAntiAffinity()
          .getPreferredDuringSchedulingIgnoredDuringExecution()
          .add(weighted(weight, term));
      return this;
    }

    private static WeightedPodAffinityTerm weighted(int weight, PodAffinityTerm term) {
      WeightedPodAffinityTerm w = new WeightedPodAffinityTerm();
      w.setWeight(weight);
      w.setPodAffinityTerm(term);
      return w;
    }

    public PodFixture toleration(String key, String operator, String value, String effect) {
      spec.getTolerations().add(Fixtures.toleration(key, operator, value, effect));
      return this;
    }

    /** A {@code topologySpreadConstraints} entry (EvenPodsSpread). */
    public PodFixture spreadConstraint(
        int maxSkew, String topologyKey, String whenUnsatisfiable, LabelSelector selector) {
      TopologySpreadConstraint c = new TopologySpreadConstraint();
      c.setMaxSkew(maxSkew);
      c.setTopologyKey(topologyKey);
      c.setWhenUnsatisfiable(whenUnsatisfiable);
      c.setLabelSelector(selector);
      spec.getTopologySpreadConstraints().add(c);
      return this;
    }

    public PodFixture toleration(Toleration t) {
      spec.getTolerations().add(t);
      return this;
    }

    public PodFixture volume(Volume v) {
      spec.getVolumes().add(v);
      return this;
    }

    /** A volume backed by a PersistentVolumeClaim. */
    public PodFixture pvcVolume(String volumeName, String claimName) {
      Volume v = new Volume();
      v.setName(volumeName);
      PersistentVolumeClaimVolumeSource s = new PersistentVolumeClaimVolumeSource();
      s.setClaimName(claimName);
      v.setPersistentVolumeClaim(s);
      return volume(v);
    }

    /** A GCE persistent disk, the volume upstream's NoDiskConflict examples use. */
    public PodFixture gcePersistentDisk(String volumeName, String pdName, boolean readOnly) {
      Volume v = new Volume();
      v.setName(volumeName);
      GCEPersistentDiskVolumeSource s = new GCEPersistentDiskVolumeSource();
      s.setPdName(pdName);
      s.setReadOnly(readOnly);
      v.setGcePersistentDisk(s);
      return volume(v);
    }

    public PodFixture emptyDirVolume(String volumeName) {
      Volume v = new Volume();
      v.setName(volumeName);
      v.setEmptyDir(new EmptyDirVolumeSource());
      return volume(v);
    }

    public PodFixture createdAt(Instant t) {
      meta.setCreationTimestamp(timestamp(t));
      return this;
    }

    /** {@code status.phase}: Pending, Running, Succeeded, Failed or Unknown. */
    public PodFixture phase(String phase) {
      status.setPhase(phase);
      return this;
    }

    /** A controller owner reference; {@code apiVersion} is derived for the common kinds. */
    public PodFixture ownedBy(String kind, String name) {
      OwnerReference o = new OwnerReference();
      o.setKind(kind);
      o.setName(name);
      o.setApiVersion(
          switch (kind) {
            case "ReplicaSet", "StatefulSet", "Deployment", "DaemonSet" -> "apps/v1";
            case "Job" -> "batch/v1";
            default -> "v1";
          });
      o.setUid(uidFor(kind, meta.getNamespace() + "/" + name));
      o.setController(true);
      o.setBlockOwnerDeletion(true);
      meta.getOwnerReferences().add(o);
      return this;
    }

    public PodFixture ownedByReplicaSet(String name) {
      return ownedBy("ReplicaSet", name);
    }

    public Pod build() {
      if (containers.isEmpty() && !noContainers) {
        containers.add(newContainer("app"));
      }
      ObjectMeta m = new ObjectMeta();
      m.setName(meta.getName());
      m.setNamespace(meta.getNamespace());
      m.setUid(uidSet ? meta.getUid() : uidFor("Pod", meta.getNamespace() + "/" + meta.getName()));
      m.setLabels(new LinkedHashMap<>(meta.getLabels()));
      m.setAnnotations(new LinkedHashMap<>(meta.getAnnotations()));
      m.setOwnerReferences(new ArrayList<>(meta.getOwnerReferences()));
      m.setCreationTimestamp(meta.getCreationTimestamp());
      Pod p = new Pod();
      p.setApiVersion("v1");
      p.setKind("Pod");
      p.setMetadata(m);
      // Copying through the model's builders keeps later fixture calls from leaking into a pod
      // already built: each build() returns an independent object.
      PodSpec s = new PodSpecBuilder(spec).build();
      s.setContainers(copy(containers));
      s.setInitContainers(copy(initContainers));
      p.setSpec(s);
      PodStatus st = new PodStatus();
      st.setPhase(status.getPhase());
      p.setStatus(st);
      return new PodBuilder(p).build();
    }

    private static List<Container> copy(List<Container> cs) {
      List<Container> out = new ArrayList<>();
      for (Container c : cs) {
        out.add(new ContainerBuilder(c).build());
      }
      return out;
    }
  }

  /** A node under construction, upstream's {@code st.NodeWrapper} ({@code wrappers.go}). */
  public static final class NodeFixture {
    private final String name;
    private final Map<String, String> labels = new LinkedHashMap<>();
    private final Map<String, Quantity> allocatable = new LinkedHashMap<>();
    private Map<String, Quantity> capacity;
    private final List<Taint> taints = new ArrayList<>();
    private final List<ContainerImage> images = new ArrayList<>();
    private final List<NodeCondition> conditions = new ArrayList<>();
    private boolean unschedulable;
    private boolean conditionsSet;
    private String uid;

    NodeFixture(String name) {
      this.name = name;
      labels.put(LABEL_HOSTNAME, name);
      allocatable.put("pods", new Quantity(String.valueOf(DEFAULT_MAX_PODS)));
    }

    public NodeFixture uid(String uid) {
      this.uid = uid;
      return this;
    }

    /** Allocatable CPU and memory; null leaves one out. */
    public NodeFixture allocatable(String cpu, String memory) {
      if (cpu != null) {
        allocatable.put("cpu", new Quantity(cpu));
      }
      if (memory != null) {
        allocatable.put("memory", new Quantity(memory));
      }
      return this;
    }

    /** One allocatable resource, e.g. {@code allocatable("nvidia.com/gpu", "4")}. */
    public NodeFixture allocatable(String resource, String quantity, boolean alsoCapacity) {
      allocatable.put(resource, new Quantity(quantity));
      if (alsoCapacity && capacity != null) {
        capacity.put(resource, new Quantity(quantity));
      }
      return this;
    }

    /** An extended or other scalar resource in both allocatable and capacity. */
    public NodeFixture scalar(String resource, String quantity) {
      return allocatable(resource, quantity, true);
    }

    /** Capacity CPU and memory; without this call capacity equals allocatable. */
    public NodeFixture capacity(String cpu, String memory) {
      if (capacity == null) {
        capacity = new LinkedHashMap<>(allocatable);
      }
      if (cpu != null) {
        capacity.put("cpu", new Quantity(cpu));
      }
      if (memory != null) {
        capacity.put("memory", new Quantity(memory));
      }
      return this;
    }

    /** The {@code pods} resource, in allocatable and capacity. */
    public NodeFixture pods(int pods) {
      return allocatable("pods", String.valueOf(pods), true);
    }

    public NodeFixture ephemeralStorage(String quantity) {
      return allocatable("ephemeral-storage", quantity, true);
    }

    public NodeFixture label(String key, String value) {
      labels.put(key, value);
      return this;
    }

    public NodeFixture labels(String... keyValues) {
      labels.putAll(pairs(keyValues));
      return this;
    }

    /** Removes a label, e.g. the default hostname label. */
    public NodeFixture withoutLabel(String key) {
      labels.remove(key);
      return this;
    }

    /** Overrides the {@code kubernetes.io/hostname} label (it defaults to the node's name). */
    public NodeFixture hostname(String hostname) {
      return label(LABEL_HOSTNAME, hostname);
    }

    /** Sets both the GA and the beta zone label, as a v1.18 cloud provider does. */
    public NodeFixture zone(String zone) {
      labels.put(LABEL_ZONE_BETA, zone);
      labels.put(LABEL_ZONE, zone);
      return this;
    }

    /** Sets both the GA and the beta region label. */
    public NodeFixture region(String region) {
      labels.put(LABEL_REGION_BETA, region);
      labels.put(LABEL_REGION, region);
      return this;
    }

    public NodeFixture taint(String key, String value, String effect) {
      taints.add(Fixtures.taint(key, value, effect));
      return this;
    }

    public NodeFixture taint(String key, String effect) {
      return taint(key, null, effect);
    }

    /** {@code spec.unschedulable: true} (cordoned). */
    public NodeFixture unschedulable() {
      unschedulable = true;
      return this;
    }

    /** An image present on the node, under one or more names (tags and digests). */
    public NodeFixture image(long sizeBytes, String... names) {
      images.add(new ContainerImage(new ArrayList<>(Arrays.asList(names)), sizeBytes));
      return this;
    }

    /** A condition; the first call replaces the default {@code Ready=True}. */
    public NodeFixture condition(String type, String status) {
      conditionsSet = true;
      NodeCondition c = new NodeCondition();
      c.setType(type);
      c.setStatus(status);
      conditions.add(c);
      return this;
    }

    public Node build() {
      ObjectMeta m = new ObjectMeta();
      m.setName(name);
      m.setUid(uid != null ? uid : uidFor("Node", name));
      m.setLabels(new LinkedHashMap<>(labels));
      m.setCreationTimestamp(timestamp(DEFAULT_CREATION));
      NodeSpec spec = new NodeSpec();
      spec.setTaints(new ArrayList<>());
      for (Taint t : taints) {
        spec.getTaints().add(Fixtures.taint(t.getKey(), t.getValue(), t.getEffect()));
      }
      if (unschedulable) {
        spec.setUnschedulable(true);
      }
      NodeStatus status = new NodeStatus();
      status.setAllocatable(new LinkedHashMap<>(allocatable));
      status.setCapacity(new LinkedHashMap<>(capacity != null ? capacity : allocatable));
      List<ContainerImage> imgs = new ArrayList<>();
      for (ContainerImage i : images) {
        imgs.add(new ContainerImage(new ArrayList<>(i.getNames()), i.getSizeBytes()));
      }
      status.setImages(imgs);
      List<NodeCondition> conds = new ArrayList<>();
      if (!conditionsSet) {
        NodeCondition ready = new NodeCondition();
        ready.setType("Ready");
        ready.setStatus("True");
        conds.add(ready);
      } else {
        for (NodeCondition c : conditions) {
          NodeCondition n = new NodeCondition();
          n.setType(c.getType());
          n.setStatus(c.getStatus());
          conds.add(n);
        }
      }
      status.setConditions(conds);
      Node n = new Node();
      n.setApiVersion("v1");
      n.setKind("Node");
      n.setMetadata(m);
      n.setSpec(spec);
      n.setStatus(status);
      return n;
    }
  }
}
