package io.kubelab.cluster.apiserver;

import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.apps.Deployment;
import io.fabric8.kubernetes.api.model.apps.ReplicaSet;
import io.fabric8.kubernetes.api.model.coordination.v1.Lease;
import io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.kubelab.cluster.apiserver.Validation.NameRule;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The resources this API server serves, with upstream's defaults, validation and field selectors
 * for each: the core group (namespaces, nodes, pods, services, endpoints, events), apps/v1
 * (replicasets, deployments), policy/v1beta1 (poddisruptionbudgets), scheduling.k8s.io/v1
 * (priorityclasses) and coordination.k8s.io/v1 (leases), as v1.20 serves them.
 *
 * <p>Upstream: {@code pkg/apis/core/v1/defaults.go}, {@code pkg/apis/apps/v1/defaults.go}, the
 * {@code GetAttrs}/{@code ToSelectableFields} of each {@code pkg/registry/.../strategy.go}.
 */
final class Kinds {

  private Kinds() {}

  /** The priority of system-node-critical, upstream's {@code SystemCriticalPriority} + 1000. */
  static final int SYSTEM_NODE_CRITICAL = 2_000_001_000;

  /** Upstream {@code HighestUserDefinablePriority}. */
  static final int HIGHEST_USER_DEFINABLE_PRIORITY = 1_000_000_000;

  static final ResourceType NAMESPACES =
      new ResourceType(
          "",
          "v1",
          "namespaces",
          "Namespace",
          false,
          Namespace.class,
          List.of("ns"),
          List.of(),
          Set.of("status"),
          true,
          false,
          false,
          NameRule.DNS1123_LABEL,
          o -> {
            ObjectNode spec = Json.obj(o, "spec");
            if (!spec.has("finalizers")) {
              spec.putArray("finalizers").add("kubernetes");
            }
            ObjectNode status = Json.obj(o, "status");
            if (!status.has("phase")) {
              status.put("phase", "Active");
            }
          },
          (v, o) -> {},
          o -> Map.of("status.phase", o.path("status").path("phase").asString("")),
          Tables.NAMESPACES);

  static final ResourceType NODES =
      new ResourceType(
          "",
          "v1",
          "nodes",
          "Node",
          false,
          Node.class,
          List.of("no"),
          List.of(),
          Set.of("status"),
          true,
          false,
          false,
          NameRule.DNS1123_SUBDOMAIN,
          o -> {
            // SetDefaults_NodeStatus: allocatable defaults to capacity
            JsonNode status = o.path("status");
            if (status instanceof ObjectNode s && s.has("capacity") && !s.has("allocatable")) {
              s.set("allocatable", s.get("capacity").deepCopy());
            }
          },
          (v, o) -> {},
          o ->
              Map.of(
                  "spec.unschedulable",
                  String.valueOf(o.path("spec").path("unschedulable").asBoolean(false))),
          Tables.NODES);

  static final ResourceType PODS =
      new ResourceType(
          "",
          "v1",
          "pods",
          "Pod",
          true,
          Pod.class,
          List.of("po"),
          List.of("all"),
          Set.of("status", "binding", "eviction"),
          true,
          false,
          false,
          NameRule.DNS1123_SUBDOMAIN,
          o -> podSpecDefaults(Json.obj(o, "spec")),
          (v, o) -> Validation.podSpec(o.path("spec"), "spec", v.errors()),
          Kinds::podFields,
          Tables.PODS);

  static final ResourceType SERVICES =
      new ResourceType(
          "",
          "v1",
          "services",
          "Service",
          true,
          Service.class,
          List.of("svc"),
          List.of("all"),
          Set.of("status"),
          true,
          false,
          true,
          NameRule.DNS1035_LABEL,
          Kinds::serviceDefaults,
          Kinds::validateService,
          o -> Map.of(),
          Tables.SERVICES);

  static final ResourceType ENDPOINTS =
      new ResourceType(
          "",
          "v1",
          "endpoints",
          "Endpoints",
          true,
          Endpoints.class,
          List.of("ep"),
          List.of(),
          Set.of(),
          false,
          false,
          true,
          NameRule.DNS1123_SUBDOMAIN,
          o -> {
            for (JsonNode ss : o.path("subsets")) {
              for (JsonNode p : ss.path("ports")) {
                if (p instanceof ObjectNode po && !po.has("protocol")) {
                  po.put("protocol", "TCP");
                }
              }
            }
          },
          (v, o) -> {},
          o -> Map.of(),
          Tables.ENDPOINTS);

  static final ResourceType EVENTS =
      new ResourceType(
          "",
          "v1",
          "events",
          "Event",
          true,
          Event.class,
          List.of("ev"),
          List.of(),
          Set.of(),
          false,
          false,
          true,
          NameRule.DNS1123_SUBDOMAIN,
          o -> {},
          (v, o) -> {
            String ns = o.path("metadata").path("namespace").asString("");
            String ions = o.path("involvedObject").path("namespace").asString("");
            if (!ions.isEmpty() && !ions.equals(ns)) {
              v.add(
                  FieldError.invalid(
                      "involvedObject.namespace", ions, "does not match event.namespace"));
            }
          },
          Kinds::eventFields,
          Tables.EVENTS);

  static final ResourceType REPLICA_SETS =
      new ResourceType(
          "apps",
          "v1",
          "replicasets",
          "ReplicaSet",
          true,
          ReplicaSet.class,
          List.of("rs"),
          List.of("all"),
          Set.of("status", "scale"),
          true,
          true,
          false,
          NameRule.DNS1123_SUBDOMAIN,
          o -> {
            ObjectNode spec = Json.obj(o, "spec");
            if (!spec.has("replicas")) {
              spec.put("replicas", 1);
            }
            podTemplateDefaults(spec);
          },
          (v, o) -> {
            Validation.nonNegative(o.path("spec").path("replicas"), "spec.replicas", v.errors());
            Validation.selectorMatchesTemplate(o.path("spec"), "spec", true, v.errors());
            Validation.podSpec(
                o.path("spec").path("template").path("spec"), "spec.template.spec", v.errors());
          },
          o ->
              Map.of(
                  "status.replicas", String.valueOf(o.path("status").path("replicas").asLong(0))),
          Tables.REPLICA_SETS);

  static final ResourceType DEPLOYMENTS =
      new ResourceType(
          "apps",
          "v1",
          "deployments",
          "Deployment",
          true,
          Deployment.class,
          List.of("deploy"),
          List.of("all"),
          Set.of("status", "scale"),
          true,
          true,
          false,
          NameRule.DNS1123_SUBDOMAIN,
          o -> {
            ObjectNode spec = Json.obj(o, "spec");
            if (!spec.has("replicas")) {
              spec.put("replicas", 1);
            }
            ObjectNode strategy = Json.obj(spec, "strategy");
            if (!strategy.has("type")) {
              strategy.put("type", "RollingUpdate");
            }
            if (strategy.path("type").asString("").equals("RollingUpdate")) {
              ObjectNode ru = Json.obj(strategy, "rollingUpdate");
              if (!ru.has("maxUnavailable")) {
                ru.put("maxUnavailable", "25%");
              }
              if (!ru.has("maxSurge")) {
                ru.put("maxSurge", "25%");
              }
            }
            if (!spec.has("revisionHistoryLimit")) {
              spec.put("revisionHistoryLimit", 10);
            }
            if (!spec.has("progressDeadlineSeconds")) {
              spec.put("progressDeadlineSeconds", 600);
            }
            podTemplateDefaults(spec);
          },
          (v, o) -> {
            Validation.nonNegative(o.path("spec").path("replicas"), "spec.replicas", v.errors());
            Validation.selectorMatchesTemplate(o.path("spec"), "spec", true, v.errors());
            Validation.deploymentStrategy(
                o.path("spec").path("strategy"), "spec.strategy", v.errors());
            Validation.podSpec(
                o.path("spec").path("template").path("spec"), "spec.template.spec", v.errors());
          },
          o -> Map.of(),
          Tables.DEPLOYMENTS);

  static final ResourceType PDBS =
      new ResourceType(
          "policy",
          "v1beta1",
          "poddisruptionbudgets",
          "PodDisruptionBudget",
          true,
          PodDisruptionBudget.class,
          List.of("pdb"),
          List.of(),
          Set.of("status"),
          true,
          true,
          false,
          NameRule.DNS1123_SUBDOMAIN,
          o -> {},
          (v, o) -> {
            JsonNode spec = o.path("spec");
            if (spec.has("minAvailable") && spec.has("maxUnavailable")) {
              v.add(
                  FieldError.invalid(
                      "spec",
                      spec.toString(),
                      "minAvailable and maxUnavailable cannot be both set"));
            }
          },
          o -> Map.of(),
          Tables.PDBS);

  static final ResourceType PRIORITY_CLASSES =
      new ResourceType(
          "scheduling.k8s.io",
          "v1",
          "priorityclasses",
          "PriorityClass",
          false,
          PriorityClass.class,
          List.of("pc"),
          List.of(),
          Set.of(),
          false,
          false,
          false,
          NameRule.DNS1123_SUBDOMAIN,
          o -> {
            if (!o.has("preemptionPolicy")) {
              o.put("preemptionPolicy", "PreemptLowerPriority");
            }
          },
          (v, o) -> {
            String name = o.path("metadata").path("name").asString("");
            long value = o.path("value").asLong(0);
            if (name.startsWith("system-")) {
              if (!name.equals("system-node-critical") && !name.equals("system-cluster-critical")) {
                v.add(
                    FieldError.forbidden(
                        "metadata.name",
                        "priority class names with 'system-' prefix are reserved for system use"
                            + " only"));
              }
            } else if (value > HIGHEST_USER_DEFINABLE_PRIORITY) {
              v.add(
                  FieldError.forbidden(
                      "value",
                      "maximum allowed value of a user defined priority is "
                          + HIGHEST_USER_DEFINABLE_PRIORITY));
            }
            if (v.old() != null && v.old().path("value").asLong(0) != value) {
              v.add(FieldError.forbidden("value", "may not be changed in an update."));
            }
          },
          o -> Map.of(),
          Tables.PRIORITY_CLASSES);

  static final ResourceType LEASES =
      new ResourceType(
          "coordination.k8s.io",
          "v1",
          "leases",
          "Lease",
          true,
          Lease.class,
          List.of(),
          List.of(),
          Set.of(),
          false,
          false,
          true,
          NameRule.DNS1123_SUBDOMAIN,
          o -> {},
          (v, o) -> {},
          o -> Map.of(),
          Tables.LEASES);

  /** Every served resource, in discovery order. */
  static final List<ResourceType> ALL =
      List.of(
          NAMESPACES,
          NODES,
          PODS,
          SERVICES,
          ENDPOINTS,
          EVENTS,
          REPLICA_SETS,
          DEPLOYMENTS,
          PDBS,
          PRIORITY_CLASSES,
          LEASES);

  /** {@code SetDefaults_PodSpec}, {@code SetDefaults_Container} and friends. */
  static void podSpecDefaults(ObjectNode spec) {
    putIfAbsent(spec, "restartPolicy", "Always");
    putIfAbsent(spec, "dnsPolicy", "ClusterFirst");
    if (!spec.has("terminationGracePeriodSeconds")) {
      spec.put("terminationGracePeriodSeconds", 30);
    }
    if (!spec.has("securityContext")) {
      spec.putObject("securityContext");
    }
    putIfAbsent(spec, "schedulerName", "default-scheduler");
    if (!spec.has("enableServiceLinks")) {
      spec.put("enableServiceLinks", true);
    }
    for (String list : List.of("initContainers", "containers")) {
      for (JsonNode c : spec.path(list)) {
        if (c instanceof ObjectNode co) {
          putIfAbsent(co, "terminationMessagePath", "/dev/termination-log");
          putIfAbsent(co, "terminationMessagePolicy", "File");
          if (!co.has("imagePullPolicy")) {
            String image = co.path("image").asString("");
            String tag = tagOf(image);
            co.put(
                "imagePullPolicy",
                tag.isEmpty() || tag.equals("latest") ? "Always" : "IfNotPresent");
          }
          if (co.has("resources") && co.get("resources") instanceof ObjectNode r) {
            // SetDefaults_ResourceList: requests default to limits where unset
            if (r.get("limits") instanceof ObjectNode lim) {
              ObjectNode req = Json.obj(r, "requests");
              for (Map.Entry<String, JsonNode> e : lim.properties()) {
                if (!req.has(e.getKey())) {
                  req.set(e.getKey(), e.getValue().deepCopy());
                }
              }
            }
          } else {
            co.putObject("resources");
          }
          for (JsonNode p : co.path("ports")) {
            if (p instanceof ObjectNode po && !po.has("protocol")) {
              po.put("protocol", "TCP");
            }
          }
        }
      }
    }
  }

  /** The tag of an image reference: "" when it has none (and so means "latest"). */
  static String tagOf(String image) {
    String rest = image.contains("@") ? "" : image;
    int slash = rest.lastIndexOf('/');
    int colon = rest.lastIndexOf(':');
    return colon > slash ? rest.substring(colon + 1) : "";
  }

  private static void podTemplateDefaults(ObjectNode spec) {
    if (spec.get("template") instanceof ObjectNode t) {
      podSpecDefaults(Json.obj(t, "spec"));
    }
  }

  private static void putIfAbsent(ObjectNode o, String field, String value) {
    if (!o.has(field) || o.get(field).isNull()) {
      o.put(field, value);
    }
  }

  /** {@code SetDefaults_Service}: type, session affinity, port protocols and target ports. */
  static void serviceDefaults(ObjectNode o) {
    ObjectNode spec = Json.obj(o, "spec");
    putIfAbsent(spec, "type", "ClusterIP");
    putIfAbsent(spec, "sessionAffinity", "None");
    for (JsonNode p : spec.path("ports")) {
      if (p instanceof ObjectNode po) {
        putIfAbsent(po, "protocol", "TCP");
        if (!po.has("targetPort") && po.has("port")) {
          po.set("targetPort", po.get("port").deepCopy());
        }
      }
    }
  }

  private static void validateService(ResourceType.Validator v, JsonNode o) {
    JsonNode spec = o.path("spec");
    String type = spec.path("type").asString("");
    List<String> types = List.of("ClusterIP", "NodePort", "LoadBalancer", "ExternalName");
    if (!types.contains(type)) {
      v.add(FieldError.notSupported("spec.type", type, types));
    }
    boolean headless = "None".equals(spec.path("clusterIP").asString(""));
    if (spec.path("ports").isEmpty() && !headless && !type.equals("ExternalName")) {
      v.add(FieldError.required("spec.ports", ""));
    }
    JsonNode ports = spec.path("ports");
    for (int i = 0; i < ports.size(); i++) {
      long port = ports.get(i).path("port").asLong(0);
      if (port < 1 || port > 65535) {
        v.add(
            FieldError.invalid(
                "spec.ports[" + i + "].port", port, "must be between 1 and 65535, inclusive"));
      }
      if (ports.size() > 1 && ports.get(i).path("name").asString("").isEmpty()) {
        v.add(FieldError.required("spec.ports[" + i + "].name", ""));
      }
    }
    if (v.old() != null) {
      String oldIp = v.old().path("spec").path("clusterIP").asString("");
      String newIp = spec.path("clusterIP").asString("");
      if (!oldIp.isEmpty() && !oldIp.equals(newIp)) {
        v.add(FieldError.invalid("spec.clusterIP", newIp, "field is immutable"));
      }
    }
  }

  /** {@code pod.ToSelectableFields}. */
  private static Map<String, String> podFields(JsonNode o) {
    Map<String, String> m = new LinkedHashMap<>();
    JsonNode spec = o.path("spec");
    JsonNode status = o.path("status");
    m.put("spec.nodeName", spec.path("nodeName").asString(""));
    m.put("spec.restartPolicy", spec.path("restartPolicy").asString(""));
    m.put("spec.schedulerName", spec.path("schedulerName").asString(""));
    m.put("spec.serviceAccountName", spec.path("serviceAccountName").asString(""));
    m.put("status.phase", status.path("phase").asString(""));
    m.put("status.podIP", status.path("podIP").asString(""));
    m.put("status.nominatedNodeName", status.path("nominatedNodeName").asString(""));
    return m;
  }

  /** {@code event.ToSelectableFields}. */
  private static Map<String, String> eventFields(JsonNode o) {
    Map<String, String> m = new LinkedHashMap<>();
    JsonNode io = o.path("involvedObject");
    for (String f :
        List.of("kind", "namespace", "name", "uid", "apiVersion", "resourceVersion", "fieldPath")) {
      m.put("involvedObject." + f, io.path(f).asString(""));
    }
    m.put("reason", o.path("reason").asString(""));
    m.put("reportingComponent", o.path("reportingComponent").asString(""));
    m.put("source", o.path("source").path("component").asString(""));
    m.put("type", o.path("type").asString(""));
    return m;
  }

  /** {@code qos.GetPodQOS}: Guaranteed, Burstable or BestEffort. */
  static String qosClass(JsonNode spec) {
    boolean any = false;
    boolean guaranteed = true;
    for (String list : List.of("initContainers", "containers")) {
      for (JsonNode c : spec.path(list)) {
        JsonNode req = c.path("resources").path("requests");
        JsonNode lim = c.path("resources").path("limits");
        for (String r : List.of("cpu", "memory")) {
          boolean hasReq = nonZero(req.path(r));
          boolean hasLim = nonZero(lim.path(r));
          any |= hasReq || hasLim;
          if (!hasLim || (hasReq && !equalQuantity(req.path(r), lim.path(r)))) {
            guaranteed = false;
          }
        }
      }
    }
    if (!any) {
      return "BestEffort";
    }
    return guaranteed ? "Guaranteed" : "Burstable";
  }

  private static boolean nonZero(JsonNode q) {
    if (q.isMissingNode() || q.isNull()) {
      return false;
    }
    try {
      return io.kubelab.apimachinery.resource.Quantities.parse(q.asString(), "quantity").signum()
          != 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  private static boolean equalQuantity(JsonNode a, JsonNode b) {
    try {
      return io.kubelab.apimachinery.resource.Quantities.parse(a.asString(), "quantity")
              .compareTo(
                  io.kubelab.apimachinery.resource.Quantities.parse(b.asString(), "quantity"))
          == 0;
    } catch (IllegalArgumentException e) {
      return false;
    }
  }

  /** Tolerations the DefaultTolerationSeconds admission plugin adds (300 s for both taints). */
  static void defaultTolerations(ObjectNode spec) {
    ArrayNode tol =
        spec.get("tolerations") instanceof ArrayNode a ? a : spec.putArray("tolerations");
    for (String taint : List.of("node.kubernetes.io/not-ready", "node.kubernetes.io/unreachable")) {
      boolean has = false;
      for (JsonNode t : tol) {
        String op = t.path("operator").asString("Equal");
        String eff = t.path("effect").asString("");
        boolean keyMatch =
            t.path("key").asString("").equals(taint)
                || (t.path("key").asString("").isEmpty() && op.equals("Exists"));
        has |= keyMatch && (eff.isEmpty() || eff.equals("NoExecute"));
      }
      if (!has) {
        ObjectNode t = tol.addObject();
        t.put("key", taint);
        t.put("operator", "Exists");
        t.put("effect", "NoExecute");
        t.put("tolerationSeconds", 300);
      }
    }
  }
}
