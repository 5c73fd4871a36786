package io.kubelab.apimachinery.manifest;

import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.ComponentStatus;
import io.fabric8.kubernetes.api.model.ConfigMap;
import io.fabric8.kubernetes.api.model.Endpoints;
import io.fabric8.kubernetes.api.model.Event;
import io.fabric8.kubernetes.api.model.GenericKubernetesResource;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.LimitRange;
import io.fabric8.kubernetes.api.model.Namespace;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeSelector;
import io.fabric8.kubernetes.api.model.PersistentVolume;
import io.fabric8.kubernetes.api.model.PersistentVolumeClaim;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodAffinityTerm;
import io.fabric8.kubernetes.api.model.PodTemplate;
import io.fabric8.kubernetes.api.model.ReplicationController;
import io.fabric8.kubernetes.api.model.ResourceQuota;
import io.fabric8.kubernetes.api.model.Secret;
import io.fabric8.kubernetes.api.model.Service;
import io.fabric8.kubernetes.api.model.ServiceAccount;
import io.fabric8.kubernetes.api.model.WeightedPodAffinityTerm;
import io.fabric8.kubernetes.api.model.scheduling.v1.PriorityClass;
import io.kubelab.apimachinery.labels.LabelSelectors;
import io.kubelab.apimachinery.labels.NodeSelectors;
import io.kubelab.apimachinery.resource.Quantities;
import io.kubelab.apimachinery.validation.Validation;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.schema.CoreSchema;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.MappingIterator;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.exc.MismatchedInputException;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLFactory;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Loads manifests, as {@code kubectl get nodes,pods -A -o yaml} writes them, into fabric8 objects.
 *
 * <p>Upstream counterpart: {@code k8s.io/cli-runtime/pkg/resource} (the visitor that splits a
 * stream into documents and expands lists, {@code FlattenListVisitor}) and the universal decoder of
 * {@code k8s.io/apimachinery/pkg/runtime/serializer}. Accepted input:
 *
 * <ul>
 *   <li>one or more YAML documents separated by {@code ---};
 *   <li>one or more JSON objects, concatenated (a JSON array's elements are treated as documents);
 *   <li>{@code kind: List} (what {@code kubectl get a,b -o yaml} prints) whose items carry their
 *       own {@code apiVersion} and {@code kind}, and typed lists such as {@code PodList} or {@code
 *       NodeList} (what the API server returns) whose items may omit them.
 * </ul>
 *
 * <p>Every core/v1 kind, {@code scheduling.k8s.io PriorityClass} and {@code policy
 * PodDisruptionBudget} load as typed objects. Other groups (apps/v1, CRDs) load as {@link
 * GenericKubernetesResource}: nothing is skipped. A {@code v1} kind that core/v1 does not have is
 * an error, because the core group is closed and an unknown kind there is a typo. Before typing an
 * object the loader checks the fields whose mistakes would otherwise surface far away: every
 * quantity of a pod's containers and overhead and of a node's capacity and allocatable, labels, pod
 * tolerations, the node selector, and the selectors of node and pod affinity, each as the API
 * server's validation checks it.
 */
public final class Manifests {

  /** Objects of these kinds in {@code apiVersion: v1} load as the fabric8 class. */
  private static final Map<String, Class<? extends HasMetadata>> CORE_V1 =
      Map.ofEntries(
          Map.entry("Binding", Binding.class),
          Map.entry("ComponentStatus", ComponentStatus.class),
          Map.entry("ConfigMap", ConfigMap.class),
          Map.entry("Endpoints", Endpoints.class),
          Map.entry("Event", Event.class),
          Map.entry("LimitRange", LimitRange.class),
          Map.entry("Namespace", Namespace.class),
          Map.entry("Node", Node.class),
          Map.entry("PersistentVolume", PersistentVolume.class),
          Map.entry("PersistentVolumeClaim", PersistentVolumeClaim.class),
          Map.entry("Pod", Pod.class),
          Map.entry("PodTemplate", PodTemplate.class),
          Map.entry("ReplicationController", ReplicationController.class),
          Map.entry("ResourceQuota", ResourceQuota.class),
          Map.entry("Secret", Secret.class),
          Map.entry("Service", Service.class),
          Map.entry("ServiceAccount", ServiceAccount.class));

  /** Typed kinds outside the core group, by {@code apiVersion/kind}. */
  private static final Map<String, Class<? extends HasMetadata>> OTHER_TYPED =
      Map.of(
          // The three versions have the same fields; chapters read them as v1.
          "scheduling.k8s.io/v1/PriorityClass", PriorityClass.class,
          "scheduling.k8s.io/v1beta1/PriorityClass", PriorityClass.class,
          "scheduling.k8s.io/v1alpha1/PriorityClass", PriorityClass.class,
          "policy/v1beta1/PodDisruptionBudget",
              io.fabric8.kubernetes.api.model.policy.v1beta1.PodDisruptionBudget.class,
          "policy/v1/PodDisruptionBudget",
              io.fabric8.kubernetes.api.model.policy.v1.PodDisruptionBudget.class);

  private static final Set<String> TOLERATION_OPERATORS = Set.of("", "Equal", "Exists");
  private static final Set<String> TAINT_EFFECTS =
      Set.of("", "NoSchedule", "PreferNoSchedule", "NoExecute");

  // snakeyaml-engine refuses documents over 3 MB by default; a real cluster's
  // `kubectl get nodes,pods -A -o yaml` is easily larger. Its default schema is YAML 1.2's JSON
  // schema, where only `null` is null; Kubernetes reads YAML with go-yaml, for which `~`, `Null`
  // and `NULL` are null too, as they are in the core schema.
  private static final ObjectMapper YAML =
      YAMLMapper.builder(
              YAMLFactory.builder()
                  .loadSettings(
                      LoadSettings.builder()
                          .setCodePointLimit(Integer.MAX_VALUE)
                          .setSchema(new CoreSchema())
                          .build())
                  .build())
          .build();
  private static final ObjectMapper JSON = JsonMapper.builder().build();

  private Manifests() {}

  /**
   * Reads a manifest file; errors name the file.
   *
   * @throws ManifestException on malformed or invalid content
   * @throws IOException if the file cannot be read
   */
  public static Manifest read(Path file) throws IOException {
    return parse(Files.readString(file), file.toString());
  }

  /**
   * Parses manifest text.
   *
   * @param source names the input in error messages, e.g. a file name
   * @throws ManifestException naming the document and field of the first problem
   */
  public static Manifest parse(String text, String source) {
    if (text == null) {
      throw new IllegalArgumentException(source + ": manifest text must not be null");
    }
    List<HasMetadata> out = new ArrayList<>();
    ObjectMapper mapper = looksLikeJson(text) ? JSON : YAML;
    int index = 0;
    try (MappingIterator<JsonNode> docs = mapper.readerFor(JsonNode.class).readValues(text)) {
      while (true) {
        JsonNode doc;
        try {
          if (!docs.hasNextValue()) {
            break;
          }
          doc = docs.nextValue();
        } catch (JacksonException e) {
          throw new ManifestException(
              source + ": document " + index,
              "",
              "malformed " + (mapper == JSON ? "JSON" : "YAML") + ": " + firstLine(e),
              e);
        }
        String where = source + ": document " + index;
        index++;
        if (doc == null || doc.isNull() || doc.isMissingNode()) {
          continue; // an empty document ("---" with nothing after it) holds no object
        }
        // Jackson's reader hands out the elements of a root-level array one by one, so each
        // element of a JSON array (or YAML sequence) counts as one document.
        load(doc, where, null, null, out);
      }
    }
    return new Manifest(out);
  }

  private static boolean looksLikeJson(String text) {
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (!Character.isWhitespace(c)) {
        return c == '{' || c == '[';
      }
    }
    return false;
  }

  /** Loads one object, expanding lists; {@code defaultKind} is a typed list's item kind. */
  private static void load(
      JsonNode node,
      String where,
      String defaultApiVersion,
      String defaultKind,
      List<HasMetadata> out) {
    if (!node.isObject()) {
      throw new ManifestException(
          where, "", "expected an object, got " + describeValue(node), null);
    }
    String apiVersion = stringField(node, "apiVersion", where, defaultApiVersion);
    String kind = stringField(node, "kind", where, defaultKind);
    if (kind == null) {
      throw new ManifestException(where, "kind", "is missing", null);
    }
    String id = where + " (" + kind + idSuffix(node) + ")";
    if (apiVersion == null) {
      throw new ManifestException(id, "apiVersion", "is missing", null);
    }
    if (node.has("items") && kind.endsWith("List")) {
      JsonNode items = node.get("items");
      if (items.isNull()) {
        return; // "items: null" is how an empty list serialises
      }
      if (!items.isArray()) {
        throw new ManifestException(id, "items", "is not a list but " + describeValue(items), null);
      }
      // Items of a typed list (PodList) may omit their kind; items of a List must carry it.
      String itemKind = kind.equals("List") ? null : kind.substring(0, kind.length() - 4);
      String itemApiVersion = kind.equals("List") ? null : apiVersion;
      for (int i = 0; i < items.size(); i++) {
        load(items.get(i), where + ", items[" + i + "]", itemApiVersion, itemKind, out);
      }
      return;
    }
    Class<? extends HasMetadata> type = typeOf(apiVersion, kind, id);
    JsonNode meta = node.get("metadata");
    if (meta == null || !meta.isObject()) {
      throw new ManifestException(id, "metadata", "is missing", null);
    }
    JsonNode name = meta.get("name");
    JsonNode generateName = meta.get("generateName");
    if ((name == null || name.asString("").isEmpty())
        && (generateName == null || generateName.asString("").isEmpty())) {
      throw new ManifestException(id, "metadata.name", "is missing", null);
    }
    if (type == Pod.class) {
      checkPodQuantities(node, id);
    } else if (type == Node.class) {
      checkQuantities(node.path("status").path("capacity"), "status.capacity", id);
      checkQuantities(node.path("status").path("allocatable"), "status.allocatable", id);
    }
    JsonNode complete = withDefaults(node, apiVersion, kind);
    HasMetadata object;
    try {
      object = JSON.treeToValue(complete, type);
    } catch (JacksonException e) {
      throw new ManifestException(id, path(e), typeProblem(e, complete), e);
    }
    checkLabels(object.getMetadata().getLabels(), "metadata.labels", id);
    if (object instanceof Pod pod) {
      checkPodSemantics(pod, id);
    }
    out.add(object);
  }

  private static Class<? extends HasMetadata> typeOf(String apiVersion, String kind, String id) {
    if (apiVersion.equals("v1")) {
      Class<? extends HasMetadata> t = CORE_V1.get(kind);
      if (t == null) {
        throw new ManifestException(
            id, "kind", "\"" + kind + "\" is not a kind of apiVersion v1 (the core group)", null);
      }
      return t;
    }
    return OTHER_TYPED.getOrDefault(apiVersion + "/" + kind, GenericKubernetesResource.class);
  }

  private static String stringField(JsonNode node, String field, String where, String dflt) {
    JsonNode v = node.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isString() || v.stringValue().isEmpty()) {
      throw new ManifestException(
          where, field, describeValue(v) + " is not a non-empty string", null);
    }
    return v.stringValue();
  }

  /** {@code " default/web-1"} from the node's metadata, or empty if it has no name. */
  private static String idSuffix(JsonNode node) {
    JsonNode meta = node.path("metadata");
    String name = meta.path("name").asString("");
    if (name.isEmpty()) {
      name = meta.path("generateName").asString("");
    }
    if (name.isEmpty()) {
      return "";
    }
    String ns = meta.path("namespace").asString("");
    return " " + (ns.isEmpty() ? "" : ns + "/") + name;
  }

  private static void checkPodQuantities(JsonNode pod, String id) {
    JsonNode spec = pod.path("spec");
    for (String list : List.of("containers", "initContainers")) {
      JsonNode cs = spec.path(list);
      // A containers field that is not a list is a type error Jackson reports with its path.
      for (int i = 0; cs.isArray() && i < cs.size(); i++) {
        JsonNode res = cs.path(i).path("resources");
        String prefix = "spec." + list + "[" + i + "].resources";
        checkQuantities(res.path("requests"), prefix + ".requests", id);
        checkQuantities(res.path("limits"), prefix + ".limits", id);
      }
    }
    checkQuantities(spec.path("overhead"), "spec.overhead", id);
  }

  private static void checkQuantities(JsonNode map, String field, String id) {
    if (map.isMissingNode() || map.isNull()) {
      return;
    }
    if (!map.isObject()) {
      throw new ManifestException(
          id, field, describeValue(map) + " is not a map of resource names to quantities", null);
    }
    for (Map.Entry<String, JsonNode> e : map.properties()) {
      String f = field + "." + e.getKey();
      JsonNode v = e.getValue();
      if (!(v.isString() || v.isNumber())) {
        throw new ManifestException(id, f, describeValue(v) + " is not a quantity", null);
      }
      try {
        Quantities.parse(v.asString(), f);
      } catch (Quantities.InvalidQuantityException ex) {
        throw new ManifestException(id, "", ex.getMessage(), ex);
      }
    }
  }

  /**
   * The pod checks the API server's validation would have made ({@code validateTolerations}, the
   * affinity selectors of {@code pkg/apis/core/validation/validation.go}).
   */
  private static void checkPodSemantics(Pod pod, String id) {
    if (pod.getSpec() == null) {
      return;
    }
    checkLabels(pod.getSpec().getNodeSelector(), "spec.nodeSelector", id);
    var tolerations = pod.getSpec().getTolerations();
    for (int i = 0; tolerations != null && i < tolerations.size(); i++) {
      var t = tolerations.get(i);
      String f = "spec.tolerations[" + i + "]";
      String op = t.getOperator() == null ? "" : t.getOperator();
      if (!TOLERATION_OPERATORS.contains(op)) {
        throw new ManifestException(
            id, f + ".operator", "\"" + op + "\" is not Equal or Exists", null);
      }
      if (op.equals("Exists") && t.getValue() != null && !t.getValue().isEmpty()) {
        throw new ManifestException(
            id, f + ".value", "must be empty when `operator` is 'Exists'", null);
      }
      if ((t.getKey() == null || t.getKey().isEmpty()) && !op.equals("Exists")) {
        throw new ManifestException(
            id, f + ".operator", "must be Exists when `key` is empty", null);
      }
      String effect = t.getEffect() == null ? "" : t.getEffect();
      if (!TAINT_EFFECTS.contains(effect)) {
        throw new ManifestException(
            id, f + ".effect", "\"" + effect + "\" is not a taint effect", null);
      }
    }
    var affinity = pod.getSpec().getAffinity();
    if (affinity == null) {
      return;
    }
    try {
      var na = affinity.getNodeAffinity();
      if (na != null) {
        NodeSelectors.validate(
            na.getRequiredDuringSchedulingIgnoredDuringExecution(),
            "spec.affinity.nodeAffinity.requiredDuringSchedulingIgnoredDuringExecution");
        var preferred = na.getPreferredDuringSchedulingIgnoredDuringExecution();
        for (int i = 0; preferred != null && i < preferred.size(); i++) {
          var selector = new NodeSelector();
          selector.setNodeSelectorTerms(List.of(preferred.get(i).getPreference()));
          NodeSelectors.validate(
              selector,
              "spec.affinity.nodeAffinity.preferredDuringSchedulingIgnoredDuringExecution["
                  + i
                  + "].preference");
        }
      }
      if (affinity.getPodAffinity() != null) {
        checkPodAffinityTerms(
            affinity.getPodAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
            affinity.getPodAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
            "spec.affinity.podAffinity");
      }
      if (affinity.getPodAntiAffinity() != null) {
        checkPodAffinityTerms(
            affinity.getPodAntiAffinity().getRequiredDuringSchedulingIgnoredDuringExecution(),
            affinity.getPodAntiAffinity().getPreferredDuringSchedulingIgnoredDuringExecution(),
            "spec.affinity.podAntiAffinity");
      }
    } catch (LabelSelectors.InvalidSelectorException e) {
      throw new ManifestException(id, "", e.getMessage(), e);
    }
  }

  /** {@code ValidateLabels}: what the API server checks of {@code metadata.labels}, a selector. */
  private static void checkLabels(Map<String, String> labels, String field, String id) {
    List<String> errs = Validation.validateLabels(labels, field);
    if (!errs.isEmpty()) {
      throw new ManifestException(id, "", errs.get(0), null);
    }
  }

  private static void checkPodAffinityTerms(
      List<PodAffinityTerm> required, List<WeightedPodAffinityTerm> preferred, String field) {
    for (int i = 0; required != null && i < required.size(); i++) {
      LabelSelectors.validate(
          required.get(i).getLabelSelector(),
          field + ".requiredDuringSchedulingIgnoredDuringExecution[" + i + "].labelSelector");
    }
    for (int i = 0; preferred != null && i < preferred.size(); i++) {
      var term = preferred.get(i).getPodAffinityTerm();
      if (term != null) {
        LabelSelectors.validate(
            term.getLabelSelector(),
            field
                + ".preferredDuringSchedulingIgnoredDuringExecution["
                + i
                + "].podAffinityTerm.labelSelector");
      }
    }
  }

  /** Jackson's reference path as a Kubernetes field path: {@code spec.containers[0].name}. */
  private static String path(JacksonException e) {
    StringBuilder sb = new StringBuilder();
    for (JacksonException.Reference r : e.getPath()) {
      if (r.getPropertyName() != null) {
        if (sb.length() > 0) {
          sb.append('.');
        }
        sb.append(r.getPropertyName());
      } else if (r.getIndex() >= 0) {
        sb.append('[').append(r.getIndex()).append(']');
      }
    }
    return sb.toString();
  }

  private static String typeProblem(JacksonException e, JsonNode root) {
    if (e instanceof MismatchedInputException mi && mi.getTargetType() != null) {
      JsonNode v = at(root, e.getPath());
      String what = v == null ? "the value" : describeValue(v);
      return what + " cannot be read as " + typeName(mi.getTargetType());
    }
    return "cannot be read: " + firstLine(e);
  }

  private static String typeName(Class<?> type) {
    if (type == String.class) {
      return "a string";
    }
    if (type == Integer.class || type == int.class || type == Long.class || type == long.class) {
      return "an integer";
    }
    if (type == Boolean.class || type == boolean.class) {
      return "a boolean";
    }
    if (List.class.isAssignableFrom(type)) {
      return "a list";
    }
    if (Map.class.isAssignableFrom(type)) {
      return "a map";
    }
    return "a " + type.getSimpleName();
  }

  private static JsonNode at(JsonNode root, List<JacksonException.Reference> refs) {
    JsonNode n = root;
    for (JacksonException.Reference r : refs) {
      if (n == null) {
        return null;
      }
      n = r.getPropertyName() != null ? n.get(r.getPropertyName()) : n.get(r.getIndex());
    }
    return n;
  }

  private static String describeValue(JsonNode v) {
    if (v.isString()) {
      String s = v.stringValue();
      return "\"" + (s.length() > 40 ? s.substring(0, 40) + "..." : s) + "\"";
    }
    if (v.isObject()) {
      return "a map";
    }
    if (v.isArray()) {
      return "a list";
    }
    return v.toString();
  }

  private static String firstLine(JacksonException e) {
    String m = e.getOriginalMessage() == null ? e.toString() : e.getOriginalMessage();
    int nl = m.indexOf('\n');
    String line = nl < 0 ? m : m.substring(0, nl);
    if (e.getLocation() != null && e.getLocation().getLineNr() > 0) {
      line += " (line " + e.getLocation().getLineNr() + ")";
    }
    return line;
  }

  /** The object with a typed list's default apiVersion and kind filled in. */
  private static JsonNode withDefaults(JsonNode node, String apiVersion, String kind) {
    if (node.has("apiVersion") && node.has("kind")) {
      return node;
    }
    ObjectNode copy = ((ObjectNode) node).deepCopy();
    copy.put("apiVersion", apiVersion);
    copy.put("kind", kind);
    return copy;
  }
}
