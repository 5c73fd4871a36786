package io.kubelab.cluster.apiserver;

import java.time.Duration;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.BiFunction;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Server-side printing: the {@code meta.k8s.io/v1 Table} that {@code kubectl get} asks for (with
 * {@code Accept: application/json;as=Table;v=v1;g=meta.k8s.io}), so its columns are the ones a real
 * cluster shows.
 *
 * <p>Upstream: {@code pkg/printers/internalversion/printers.go} (the column definitions and {@code
 * printPod}, {@code printNode}, ...), {@code k8s.io/apiserver/pkg/registry/rest/table.go} (the
 * default "Name, Created At" table) and {@code k8s.io/apimachinery/pkg/util/duration} ({@code
 * HumanDuration}, the AGE column).
 */
final class Tables {

  private Tables() {}

  /** One column: name, type, and priority (0 always shown, 1 with {@code -o wide}). */
  record Column(String name, String type, int priority, String description) {}

  /** The columns of a kind and how one object fills a row. */
  record Printer(List<Column> columns, BiFunction<JsonNode, Instant, List<Object>> row) {}

  static Column col(String name, String type, int priority, String description) {
    return new Column(name, type, priority, description);
  }

  /** The default table of {@code rest.DefaultTableConvertor}: Name and Created At. */
  static final Printer DEFAULT =
      new Printer(
          List.of(
              col("Name", "string", 0, "Name must be unique within a namespace."),
              col("Created At", "date", 0, "CreationTimestamp is a timestamp.")),
          (o, now) ->
              List.of(
                  o.path("metadata").path("name").asString(""),
                  o.path("metadata").path("creationTimestamp").asString("")));

  /** A Table of {@code items}; {@code includeObject} is None, Metadata (default) or Object. */
  static ObjectNode table(
      Printer p,
      List<JsonNode> items,
      String resourceVersion,
      String cont,
      String includeObject,
      boolean noHeaders,
      Instant now) {
    ObjectNode t = Json.object();
    t.put("kind", "Table");
    t.put("apiVersion", "meta.k8s.io/v1");
    ObjectNode meta = t.putObject("metadata");
    meta.put("resourceVersion", resourceVersion);
    if (cont != null && !cont.isEmpty()) {
      meta.put("continue", cont);
    }
    ArrayNode cols = t.putArray("columnDefinitions");
    if (!noHeaders) {
      for (Column c : p.columns()) {
        ObjectNode cd = cols.addObject();
        cd.put("name", c.name());
        cd.put("type", c.type());
        cd.put("format", c.name().equals("Name") ? "name" : "");
        cd.put("description", c.description());
        cd.put("priority", c.priority());
      }
    }
    ArrayNode rows = t.putArray("rows");
    for (JsonNode o : items) {
      ObjectNode r = rows.addObject();
      ArrayNode cells = r.putArray("cells");
      for (Object v : p.row().apply(o, now)) {
        if (v instanceof Number n) {
          cells.add(n.longValue());
        } else {
          cells.add(String.valueOf(v));
        }
      }
      switch (includeObject) {
        case "None" -> {}
        case "Object" -> r.set("object", o);
        default -> {
          ObjectNode pom = r.putObject("object");
          pom.put("kind", "PartialObjectMetadata");
          pom.put("apiVersion", "meta.k8s.io/v1");
          pom.set("metadata", o.path("metadata"));
        }
      }
    }
    return t;
  }

  /** {@code translateTimestampSince}: the AGE of an object. */
  static String age(JsonNode o, Instant now) {
    return since(o.path("metadata").path("creationTimestamp").asString(""), now);
  }

  static String since(String timestamp, Instant now) {
    if (timestamp.isEmpty()) {
      return "<unknown>";
    }
    try {
      return humanDuration(Duration.between(Instant.parse(timestamp), now));
    } catch (DateTimeParseException e) {
      return "<unknown>";
    }
  }

  /** {@code duration.HumanDuration}. */
  static String humanDuration(Duration d) {
    long seconds = d.toSeconds();
    if (seconds < -1) {
      return "<invalid>";
    } else if (seconds < 0) {
      return "0s";
    } else if (seconds < 60 * 2) {
      return seconds + "s";
    }
    long minutes = d.toMinutes();
    if (minutes < 10) {
      long s = seconds % 60;
      return s == 0 ? minutes + "m" : minutes + "m" + s + "s";
    } else if (minutes < 60 * 3) {
      return minutes + "m";
    }
    long hours = d.toHours();
    if (hours < 8) {
      long m = minutes % 60;
      return m == 0 ? hours + "h" : hours + "h" + m + "m";
    } else if (hours < 48) {
      return hours + "h";
    } else if (hours < 24 * 8) {
      long h = hours % 24;
      return h == 0 ? hours / 24 + "d" : hours / 24 + "d" + h + "h";
    } else if (hours < 24 * 365 * 2) {
      return hours / 24 + "d";
    } else if (hours < 24 * 365 * 8) {
      long dy = (hours / 24) % 365;
      return dy == 0 ? hours / 24 / 365 + "y" : hours / 24 / 365 + "y" + dy + "d";
    }
    return hours / 24 / 365 + "y";
  }

  static String name(JsonNode o) {
    return o.path("metadata").path("name").asString("");
  }

  static String orNone(String s) {
    return s.isEmpty() ? "<none>" : s;
  }

  /** {@code printPod}: READY is ready/total, STATUS the reason or phase, RESTARTS the sum. */
  static final Printer PODS =
      new Printer(
          List.of(
              col("Name", "string", 0, "Name must be unique within a namespace."),
              col(
                  "Ready",
                  "string",
                  0,
                  "The aggregate readiness state of this pod for accepting traffic."),
              col("Status", "string", 0, "The aggregate status of the containers in this pod."),
              col(
                  "Restarts",
                  "integer",
                  0,
                  "The number of times the containers in this pod have been restarted."),
              col("Age", "string", 0, "CreationTimestamp is a timestamp."),
              col("IP", "string", 1, "IP address allocated to the pod."),
              col("Node", "string", 1, "Name of the Node this pod is scheduled on."),
              col("Nominated Node", "string", 1, "Name of the Node this pod is nominated on."),
              col("Readiness Gates", "string", 1, "Pod readiness gates.")),
          (o, now) -> {
            JsonNode status = o.path("status");
            String reason = status.path("phase").asString("");
            if (!status.path("reason").asString("").isEmpty()) {
              reason = status.path("reason").asString("");
            }
            int total = o.path("spec").path("containers").size();
            int ready = 0;
            long restarts = 0;
            for (JsonNode cs : status.path("containerStatuses")) {
              restarts += cs.path("restartCount").asLong(0);
              String waiting = cs.path("state").path("waiting").path("reason").asString("");
              String terminated = cs.path("state").path("terminated").path("reason").asString("");
              if (!waiting.isEmpty()) {
                reason = waiting;
              } else if (!terminated.isEmpty()) {
                reason = terminated;
              } else if (cs.path("ready").asBoolean(false) && cs.path("state").has("running")) {
                ready++;
              }
            }
            if (o.path("metadata").has("deletionTimestamp")) {
              reason =
                  "NodeLost".equals(status.path("reason").asString("")) ? "Unknown" : "Terminating";
            }
            List<Object> row = new ArrayList<>();
            row.add(name(o));
            row.add(ready + "/" + total);
            row.add(reason);
            row.add(restarts);
            row.add(age(o, now));
            row.add(orNone(status.path("podIP").asString("")));
            row.add(orNone(o.path("spec").path("nodeName").asString("")));
            row.add(orNone(status.path("nominatedNodeName").asString("")));
            row.add("<none>");
            return row;
          });

  /** {@code printNode}. */
  static final Printer NODES =
      new Printer(
          List.of(
              col("Name", "string", 0, "Name must be unique within a namespace."),
              col("Status", "string", 0, "The status of the node"),
              col("Roles", "string", 0, "The roles of the node"),
              col("Age", "string", 0, "CreationTimestamp is a timestamp."),
              col("Version", "string", 0, "Kubelet Version reported by the node."),
              col("Internal-IP", "string", 1, "List of internal IPs for the node."),
              col("External-IP", "string", 1, "List of external IPs for the node."),
              col("OS-Image", "string", 1, "OS image reported by the node."),
              col("Kernel-Version", "string", 1, "Kernel version reported by the node."),
              col("Container-Runtime", "string", 1, "Container runtime reported by the node.")),
          (o, now) -> {
            String ready = "Unknown";
            for (JsonNode c : o.path("status").path("conditions")) {
              if ("Ready".equals(c.path("type").asString(""))) {
                ready = "True".equals(c.path("status").asString("")) ? "Ready" : "NotReady";
              }
            }
            String status = ready;
            if (o.path("spec").path("unschedulable").asBoolean(false)) {
              status += ",SchedulingDisabled";
            }
            List<String> roles = new ArrayList<>();
            for (Map.Entry<String, JsonNode> l : o.path("metadata").path("labels").properties()) {
              String k = l.getKey();
              if (k.startsWith("node-role.kubernetes.io/")) {
                roles.add(k.substring("node-role.kubernetes.io/".length()));
              } else if (k.equals("kubernetes.io/role")) {
                roles.add(l.getValue().asString(""));
              }
            }
            String internal = "";
            String external = "";
            for (JsonNode a : o.path("status").path("addresses")) {
              if (a.path("type").asString("").equals("InternalIP") && internal.isEmpty()) {
                internal = a.path("address").asString("");
              }
              if (a.path("type").asString("").equals("ExternalIP") && external.isEmpty()) {
                external = a.path("address").asString("");
              }
            }
            JsonNode info = o.path("status").path("nodeInfo");
            List<Object> row = new ArrayList<>();
            row.add(name(o));
            row.add(status);
            row.add(roles.isEmpty() ? "<none>" : String.join(",", roles));
            row.add(age(o, now));
            row.add(info.path("kubeletVersion").asString(""));
            row.add(orNone(internal));
            row.add(orNone(external));
            row.add(orNone(info.path("osImage").asString("")));
            row.add(orNone(info.path("kernelVersion").asString("")));
            row.add(orNone(info.path("containerRuntimeVersion").asString("")));
            return row;
          });

  static final Printer NAMESPACES =
      new Printer(
          List.of(
              col("Name", "string", 0, "Name must be unique within a namespace."),
              col("Status", "string", 0, "The status of the namespace"),
              col("Age", "string", 0, "CreationTimestamp is a timestamp.")),
          (o, now) -> List.of(name(o), o.path("status").path("phase").asString(""), age(o, now)));

  /** {@code printService}. */
  static final Printer SERVICES =
      new Printer(
          List.of(
              col("Name", "string", 0, "Name must be unique within a namespace."),
              col("Type", "string", 0, "The type of the service."),
              col("Cluster-IP", "string", 0, "The IP address of the service."),
              col("External-IP", "string", 0, "The external IP address of the service."),
              col("Port(s)", "string", 0, "The ports of the service."),
              col("Age", "string", 0, "CreationTimestamp is a timestamp."),
              col("Selector", "string", 1, "The label selector of the service.")),
          (o, now) -> {
            JsonNode spec = o.path("spec");
            List<String> ports = new ArrayList<>();
            for (JsonNode p : spec.path("ports")) {
              String s = p.path("port").asLong(0) + "";
              if (p.path("nodePort").asLong(0) > 0) {
                s += ":" + p.path("nodePort").asLong(0);
              }
              ports.add(s + "/" + p.path("protocol").asString("TCP"));
            }
            List<String> sel = new ArrayList<>();
            for (Map.Entry<String, JsonNode> e : spec.path("selector").properties()) {
              sel.add(e.getKey() + "=" + e.getValue().asString(""));
            }
            List<String> ext = new ArrayList<>();
            for (JsonNode ip : spec.path("externalIPs")) {
              ext.add(ip.asString(""));
            }
            String type = spec.path("type").asString("ClusterIP");
            List<Object> row = new ArrayList<>();
            row.add(name(o));
            row.add(type);
            row.add(orNone(spec.path("clusterIP").asString("")));
            row.add(
                !ext.isEmpty()
                    ? String.join(",", ext)
                    : type.equals("LoadBalancer") ? "<pending>" : "<none>");
            row.add(ports.isEmpty() ? "<none>" : String.join(",", ports));
            row.add(age(o, now));
            row.add(sel.isEmpty() ? "<none>" : String.join(",", sel));
            return row;
          });

  static final Printer ENDPOINTS =
      new Printer(
          List.of(
              col("Name", "string", 0, "Name must be unique within a namespace."),
              col("Endpoints", "string", 0, "Endpoints of the service"),
              col("Age", "string", 0, "CreationTimestamp is a timestamp.")),
          (o, now) -> {
            List<String> eps = new ArrayList<>();
            for (JsonNode ss : o.path("subsets")) {
              for (JsonNode a : ss.path("addresses")) {
                if (ss.path("ports").isEmpty()) {
                  eps.add(a.path("ip").asString(""));
                }
                for (JsonNode p : ss.path("ports")) {
                  eps.add(a.path("ip").asString("") + ":" + p.path("port").asLong(0));
                }
              }
            }
            String shown =
                eps.size() > 3
                    ? String.join(",", eps.subList(0, 3)) + " + " + (eps.size() - 3) + " more..."
                    : String.join(",", eps);
            return List.of(name(o), eps.isEmpty() ? "<none>" : shown, age(o, now));
          });

  /** {@code printEvent}. */
  static final Printer EVENTS =
      new Printer(
          List.of(
              col("Last Seen", "string", 0, "Time when last event occurred"),
              col("Type", "string", 0, "Type of this event."),
              col("Reason", "string", 0, "Reason of this event."),
              col("Object", "string", 0, "Object this event is about."),
              col("Subobject", "string", 1, "Subobject this event is about."),
              col("Source", "string", 1, "Source of this event."),
              col("Message", "string", 0, "Message of this event."),
              col("First Seen", "string", 1, "Time when first event occurred."),
              col("Count", "string", 1, "Number of times this event occurred."),
              col("Name", "string", 1, "Name must be unique within a namespace.")),
          (o, now) -> {
            JsonNode io = o.path("involvedObject");
            String last = o.path("lastTimestamp").asString("");
            String first = o.path("firstTimestamp").asString("");
            if (last.isEmpty()) {
              last = o.path("eventTime").asString("");
            }
            String source = o.path("source").path("component").asString("");
            String host = o.path("source").path("host").asString("");
            if (!host.isEmpty()) {
              source += ", " + host;
            }
            List<Object> row = new ArrayList<>();
            row.add(since(last, now));
            row.add(o.path("type").asString(""));
            row.add(o.path("reason").asString(""));
            row.add(
                io.path("kind").asString("").toLowerCase() + "/" + io.path("name").asString(""));
            row.add(io.path("fieldPath").asString(""));
            row.add(source);
            row.add(o.path("message").asString("").strip());
            row.add(since(first, now));
            row.add(o.path("count").asLong(1));
            row.add(name(o));
            return row;
          });

  static final Printer PRIORITY_CLASSES =
      new Printer(
          List.of(
              col("Name", "string", 0, "Name must be unique within a namespace."),
              col("Value", "integer", 0, "The value of this priority class."),
              col(
                  "Global-Default",
                  "boolean",
                  0,
                  "globalDefault specifies if this PriorityClass should be considered as the default priority."),
              col("Age", "string", 0, "CreationTimestamp is a timestamp.")),
          (o, now) ->
              List.of(
                  name(o),
                  o.path("value").asLong(0),
                  String.valueOf(o.path("globalDefault").asBoolean(false)),
                  age(o, now)));

  static final Printer PDBS =
      new Printer(
          List.of(
              col("Name", "string", 0, "Name must be unique within a namespace."),
              col(
                  "Min Available",
                  "string",
                  0,
                  "The minimum number of pods that must be available."),
              col(
                  "Max Unavailable",
                  "string",
                  0,
                  "The maximum number of pods that may be unavailable."),
              col(
                  "Allowed Disruptions",
                  "integer",
                  0,
                  "Calculated number of pods that may be disrupted at this time."),
              col("Age", "string", 0, "CreationTimestamp is a timestamp.")),
          (o, now) -> {
            JsonNode spec = o.path("spec");
            return List.of(
                name(o),
                spec.has("minAvailable") ? spec.path("minAvailable").asString() : "N/A",
                spec.has("maxUnavailable") ? spec.path("maxUnavailable").asString() : "N/A",
                o.path("status").path("disruptionsAllowed").asLong(0),
                age(o, now));
          });

  private static String containers(JsonNode o, String field) {
    List<String> out = new ArrayList<>();
    for (JsonNode c : o.path("spec").path("template").path("spec").path("containers")) {
      out.add(c.path(field).asString(""));
    }
    return String.join(",", out);
  }

  private static String selector(JsonNode o) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, JsonNode> e :
        o.path("spec").path("selector").path("matchLabels").properties()) {
      out.add(e.getKey() + "=" + e.getValue().asString(""));
    }
    return out.isEmpty() ? "<none>" : String.join(",", out);
  }

  static final Printer REPLICA_SETS =
      new Printer(
          List.of(
              col("Name", "string", 0, "Name must be unique within a namespace."),
              col("Desired", "integer", 0, "Number of desired pods."),
              col("Current", "integer", 0, "Number of actual replicas."),
              col("Ready", "integer", 0, "The number of ready replicas for this replica set."),
              col("Age", "string", 0, "CreationTimestamp is a timestamp."),
              col("Containers", "string", 1, "Names of each container in the template."),
              col("Images", "string", 1, "Images referenced by each container in the template."),
              col("Selector", "string", 1, "The label selector of the replica set.")),
          (o, now) ->
              List.of(
                  name(o),
                  o.path("spec").path("replicas").asLong(0),
                  o.path("status").path("replicas").asLong(0),
                  o.path("status").path("readyReplicas").asLong(0),
                  age(o, now),
                  containers(o, "name"),
                  containers(o, "image"),
                  selector(o)));

  static final Printer DEPLOYMENTS =
      new Printer(
          List.of(
              col("Name", "string", 0, "Name must be unique within a namespace."),
              col("Ready", "string", 0, "Number of the pod with ready state"),
              col(
                  "Up-to-date",
                  "string",
                  0,
                  "Total number of non-terminated pods targeted by this deployment that have the desired template spec."),
              col(
                  "Available",
                  "string",
                  0,
                  "Total number of available pods (ready for at least minReadySeconds) targeted by this deployment."),
              col("Age", "string", 0, "CreationTimestamp is a timestamp."),
              col("Containers", "string", 1, "Names of each container in the template."),
              col("Images", "string", 1, "Images referenced by each container in the template."),
              col("Selector", "string", 1, "Label selector for pods.")),
          (o, now) ->
              List.of(
                  name(o),
                  o.path("status").path("readyReplicas").asLong(0)
                      + "/"
                      + o.path("spec").path("replicas").asLong(0),
                  o.path("status").path("updatedReplicas").asLong(0),
                  o.path("status").path("availableReplicas").asLong(0),
                  age(o, now),
                  containers(o, "name"),
                  containers(o, "image"),
                  selector(o)));

  static final Printer LEASES =
      new Printer(
          List.of(
              col("Name", "string", 0, "Name must be unique within a namespace."),
              col("Holder", "string", 0, "The holder of the lease."),
              col("Age", "string", 0, "CreationTimestamp is a timestamp.")),
          (o, now) ->
              List.of(name(o), o.path("spec").path("holderIdentity").asString(""), age(o, now)));
}
