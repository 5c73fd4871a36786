package io.kubelab.cluster.apiserver;

import io.fabric8.kubernetes.api.model.HasMetadata;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BiConsumer;
import java.util.function.Consumer;
import java.util.function.Function;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * One served resource: its place in the API (group, version, plural name, kind, scope), the fabric8
 * class its bodies decode into, and its strategy: defaults, validation, what an update may change,
 * which fields a field selector may use, and how a row of {@code kubectl get} looks.
 *
 * <p>Upstream: a {@code genericregistry.Store} with its {@code RESTCreateStrategy}/{@code
 * RESTUpdateStrategy} ({@code pkg/registry/<group>/<resource>/strategy.go}), its defaulting
 * functions ({@code pkg/apis/<group>/v1/defaults.go}), its field-selector attributes ({@code
 * GetAttrs}) and its table convertor ({@code pkg/printers/internalversion/printers.go}).
 *
 * @param subresources the subresources served besides the object itself, e.g. "status"
 * @param statusSubresource whether an update of the object keeps the stored status (and an update
 *     of {@code /status} keeps everything else)
 * @param tracksGeneration whether {@code metadata.generation} starts at 1 and counts spec changes
 * @param allowCreateOnUpdate whether PUT of a missing object creates it
 * @param nameRule the rule {@code metadata.name} follows
 * @param defaults upstream's SetDefaults for the kind, applied to every written object
 * @param validate extra validation beyond object metadata: (new object, old object or null)
 * @param fields the fields a field selector may use, besides metadata.name and namespace
 * @param table the table printer for {@code kubectl get}
 */
record ResourceType(
    String group,
    String version,
    String resource,
    String kind,
    boolean namespaced,
    Class<? extends HasMetadata> type,
    List<String> shortNames,
    List<String> categories,
    Set<String> subresources,
    boolean statusSubresource,
    boolean tracksGeneration,
    boolean allowCreateOnUpdate,
    Validation.NameRule nameRule,
    Consumer<ObjectNode> defaults,
    BiConsumer<Validator, JsonNode> validate,
    Function<JsonNode, Map<String, String>> fields,
    Tables.Printer table) {

  /** {@code v1} or {@code apps/v1}. */
  String apiVersion() {
    return group.isEmpty() ? version : group + "/" + version;
  }

  GroupResource groupResource() {
    return new GroupResource(group, resource);
  }

  /**
   * The storage key prefix, upstream's etcd layout: {@code /registry/pods/}, and the historical
   * names {@code /registry/minions/} for nodes and {@code /registry/services/specs/} for services.
   */
  String keyPrefix() {
    String dir =
        switch (resource) {
          case "nodes" -> "minions";
          case "services" -> "services/specs";
          case "endpoints" -> "services/endpoints";
          default -> resource;
        };
    return "/registry/" + dir + "/";
  }

  /** The key of one object. */
  String key(String namespace, String name) {
    return namespaced ? keyPrefix() + namespace + "/" + name : keyPrefix() + name;
  }

  /** The prefix of a list: every object, or the objects of one namespace. */
  String listPrefix(String namespace) {
    return namespaced && !namespace.isEmpty() ? keyPrefix() + namespace + "/" : keyPrefix();
  }

  /** What a validation function gets: the objects and a place to put errors. */
  record Validator(JsonNode old, List<FieldError> errors) {
    void add(FieldError e) {
      errors.add(e);
    }
  }
}
