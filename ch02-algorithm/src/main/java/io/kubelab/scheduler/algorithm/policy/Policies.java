package io.kubelab.scheduler.algorithm.policy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.BiFunction;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamReadFeature;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads and validates a scheduler {@link Policy} document.
 *
 * <p>Upstream: the JSON decoding of {@code Policy} ({@code
 * staging/src/k8s.io/kube-scheduler/config/v1/types.go}, decoded case-sensitively except for {@code
 * Extender}, which a custom {@code UnmarshalJSON} decodes case-insensitively for legacy files) and
 * {@code ValidatePolicy} plus {@code validatePredicateOrDie} / {@code validatePriorityOrDie}
 * ({@code pkg/scheduler/apis/config/validation/validation.go}, {@code
 * pkg/scheduler/algorithm_factory.go}, v1.17). Where upstream silently accepts (unknown fields,
 * duplicate names) or exits the process ({@code klog.Fatalf}), this throws a {@link
 * PolicyException} naming the field.
 */
public final class Policies {

  /** {@code MaxCustomPriorityScore}: the top of the policy-supplied score scale. */
  public static final long MAX_CUSTOM_PRIORITY_SCORE = 10;

  /** {@code MaxTotalScore}: the largest combined score a node may reach. */
  public static final long MAX_TOTAL_SCORE = Long.MAX_VALUE;

  /** {@code MaxWeight}: weights at or above this could overflow the combined score. */
  public static final long MAX_WEIGHT = MAX_TOTAL_SCORE / MAX_CUSTOM_PRIORITY_SCORE;

  private static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(StreamReadFeature.STRICT_DUPLICATE_DETECTION)
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build();

  private static final Set<String> POLICY_FIELDS =
      Set.of(
          "kind",
          "apiVersion",
          "predicates",
          "priorities",
          "extenders",
          "hardPodAffinitySymmetricWeight",
          "alwaysCheckAllPredicates");

  // IsQualifiedName: an optional DNS-subdomain prefix and a name of at most 63 characters.
  private static final Pattern QUALIFIED_NAME_PART =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private Policies() {}

  /**
   * Parses and validates a Policy in JSON.
   *
   * @throws PolicyException for malformed JSON, unknown or mistyped fields and invalid values
   */
  public static Policy parse(String json) {
    JsonNode root;
    try {
      root = MAPPER.readTree(json);
    } catch (JacksonException e) {
      throw new PolicyException("Policy: malformed JSON: " + e.getOriginalMessage(), e);
    }
    if (root == null || root.isMissingNode()) {
      throw new PolicyException("Policy: the document is empty");
    }
    Policy policy = decode(root);
    validate(policy);
    return policy;
  }

  private static Policy decode(JsonNode root) {
    Obj o = Obj.of(root, "Policy", POLICY_FIELDS, false);
    String kind = o.string("kind");
    if (kind != null && !kind.equals("Policy")) {
      throw new PolicyException("Policy: kind must be \"Policy\", got \"" + kind + "\"");
    }
    String apiVersion = o.string("apiVersion");
    if (apiVersion != null && !apiVersion.equals("v1")) {
      throw new PolicyException("Policy: apiVersion must be \"v1\", got \"" + apiVersion + "\"");
    }
    List<Policy.PredicatePolicy> predicates = o.list("predicates", Policies::predicatePolicy);
    List<Policy.PriorityPolicy> priorities = o.list("priorities", Policies::priorityPolicy);
    List<Policy.Extender> extenders = o.list("extenders", Policies::extender);
    return new Policy(
        predicates,
        priorities,
        extenders,
        o.int32("hardPodAffinitySymmetricWeight"),
        o.bool("alwaysCheckAllPredicates"));
  }

  private static Policy.PredicatePolicy predicatePolicy(JsonNode n, String path) {
    Obj o = Obj.of(n, path, Set.of("name", "argument"), false);
    Obj arg = o.object("argument", Set.of("serviceAffinity", "labelsPresence"));
    Policy.PredicateArgument argument = null;
    if (arg != null) {
      Obj sa = arg.object("serviceAffinity", Set.of("labels"));
      Obj lp = arg.object("labelsPresence", Set.of("labels", "presence"));
      argument =
          new Policy.PredicateArgument(
              sa == null ? null : new Policy.ServiceAffinity(sa.strings("labels")),
              lp == null
                  ? null
                  : new Policy.LabelsPresence(lp.strings("labels"), lp.bool("presence")));
    }
    return new Policy.PredicatePolicy(o.string("name"), argument);
  }

  private static Policy.PriorityPolicy priorityPolicy(JsonNode n, String path) {
    Obj o = Obj.of(n, path, Set.of("name", "weight", "argument"), false);
    Obj arg =
        o.object(
            "argument",
            Set.of("serviceAntiAffinity", "labelPreference", "requestedToCapacityRatioArguments"));
    Policy.PriorityArgument argument = null;
    if (arg != null) {
      Obj saa = arg.object("serviceAntiAffinity", Set.of("label"));
      Obj lp = arg.object("labelPreference", Set.of("label", "presence"));
      Obj rtcr = arg.object("requestedToCapacityRatioArguments", Set.of("shape", "resources"));
      Policy.RequestedToCapacityRatioArguments rtcrArgs = null;
      if (rtcr != null) {
        List<Policy.UtilizationShapePoint> shape =
            rtcr.list(
                "shape",
                (p, pp) -> {
                  Obj po = Obj.of(p, pp, Set.of("utilization", "score"), false);
                  return new Policy.UtilizationShapePoint(
                      po.int32("utilization"), po.int32("score"));
                });
        List<Policy.ResourceSpec> resources =
            rtcr.list(
                "resources",
                (r, rp) -> {
                  Obj ro = Obj.of(r, rp, Set.of("name", "weight"), false);
                  return new Policy.ResourceSpec(ro.string("name"), ro.int64("weight"));
                });
        rtcrArgs =
            new Policy.RequestedToCapacityRatioArguments(
                shape == null ? List.of() : shape, resources == null ? List.of() : resources);
      }
      argument =
          new Policy.PriorityArgument(
              saa == null ? null : new Policy.ServiceAntiAffinity(saa.string("label")),
              lp == null
                  ? null
                  : new Policy.LabelPreference(lp.string("label"), lp.bool("presence")),
              rtcrArgs);
    }
    return new Policy.PriorityPolicy(o.string("name"), o.int64("weight"), argument);
  }

  private static final Set<String> EXTENDER_FIELDS =
      Set.of(
          "urlPrefix",
          "filterVerb",
          "preemptVerb",
          "prioritizeVerb",
          "weight",
          "bindVerb",
          "enableHttps",
          "tlsConfig",
          "httpTimeout",
          "nodeCacheCapable",
          "managedResources",
          "ignorable");

  private static Policy.Extender extender(JsonNode n, String path) {
    // Case-insensitive, like upstream's caseInsensitiveExtender: 1.7-era files wrote BindVerb.
    Obj o = Obj.of(n, path, EXTENDER_FIELDS, true);
    Obj tls =
        o.object(
            "tlsConfig",
            Set.of(
                "insecure",
                "serverName",
                "certFile",
                "keyFile",
                "caFile",
                "certData",
                "keyData",
                "caData"));
    Policy.ExtenderTLSConfig tlsConfig =
        tls == null
            ? null
            : new Policy.ExtenderTLSConfig(
                tls.bool("insecure"),
                tls.string("serverName"),
                tls.string("certFile"),
                tls.string("keyFile"),
                tls.string("caFile"),
                tls.bytes("certData"),
                tls.bytes("keyData"),
                tls.bytes("caData"));
    List<Policy.ExtenderManagedResource> managed =
        o.list(
            "managedResources",
            (r, rp) -> {
              Obj ro = Obj.of(r, rp, Set.of("name", "ignoredByScheduler"), true);
              return new Policy.ExtenderManagedResource(
                  ro.string("name"), ro.bool("ignoredByScheduler"));
            });
    return new Policy.Extender(
        o.string("urlPrefix"),
        o.string("filterVerb"),
        o.string("preemptVerb"),
        o.string("prioritizeVerb"),
        o.int64("weight"),
        o.string("bindVerb"),
        o.bool("enableHttps"),
        tlsConfig,
        // A Go time.Duration is an integer number of nanoseconds in JSON.
        Duration.ofNanos(o.int64("httpTimeout")),
        o.bool("nodeCacheCapable"),
        managed,
        o.bool("ignorable"));
  }

  /**
   * Upstream's {@code ValidatePolicy} plus the checks {@code algorithm_factory.go} makes when it
   * registers the policy's predicates and priorities, and ours for names. Like upstream it reports
   * every problem, not just the first.
   *
   * @throws PolicyException listing the problems
   */
  public static void validate(Policy policy) {
    List<String> errors = new ArrayList<>();
    if (policy.predicates() != null) {
      Map<String, Integer> seen = new HashMap<>();
      for (int i = 0; i < policy.predicates().size(); i++) {
        Policy.PredicatePolicy p = policy.predicates().get(i);
        String at = "predicates[" + i + "]";
        if (!checkName(p.name(), at, seen, i, "predicates", errors)) {
          continue;
        }
        if (p.argument() != null) {
          int numArgs =
              (p.argument().serviceAffinity() != null ? 1 : 0)
                  + (p.argument().labelsPresence() != null ? 1 : 0);
          if (numArgs != 1) {
            errors.add(
                at
                    + ": Exactly 1 predicate argument is required, numArgs: "
                    + numArgs
                    + ", Predicate: "
                    + p.name());
          }
        }
      }
    }
    if (policy.priorities() != null) {
      Map<String, Integer> seen = new HashMap<>();
      Map<String, Policy.PriorityPolicy> customByType = new HashMap<>();
      for (int i = 0; i < policy.priorities().size(); i++) {
        Policy.PriorityPolicy p = policy.priorities().get(i);
        String at = "priorities[" + i + "]";
        if (!checkName(p.name(), at, seen, i, "priorities", errors)) {
          continue;
        }
        if (p.weight() <= 0 || p.weight() >= MAX_WEIGHT) {
          errors.add(
              at
                  + ": Priority "
                  + p.name()
                  + " should have a positive weight applied to it or it has overflown");
        }
        validateCustomPriority(at, p, customByType, errors);
      }
    }
    int binders = 0;
    Map<String, Boolean> managedNames = new HashMap<>();
    for (int i = 0; i < policy.extenders().size(); i++) {
      Policy.Extender e = policy.extenders().get(i);
      String at = "extenders[" + i + "]";
      if (e.urlPrefix() == null || e.urlPrefix().isEmpty()) {
        errors.add(at + ": urlPrefix is required");
      }
      if (e.prioritizeVerb() != null && !e.prioritizeVerb().isEmpty() && e.weight() <= 0) {
        errors.add(
            at
                + ": Priority for extender "
                + e.urlPrefix()
                + " should have a positive weight applied to it");
      }
      if (e.bindVerb() != null && !e.bindVerb().isEmpty()) {
        binders++;
      }
      for (int j = 0; j < e.managedResources().size(); j++) {
        String name = e.managedResources().get(j).name();
        String rat = at + ".managedResources[" + j + "]";
        String problem = extendedResourceNameProblem(name);
        if (problem != null) {
          errors.add(rat + ": " + problem);
        }
        if (managedNames.put(String.valueOf(name), Boolean.TRUE) != null) {
          errors.add(rat + ": Duplicate extender managed resource name " + name);
        }
      }
    }
    if (binders > 1) {
      errors.add("extenders: Only one extender can implement bind, found " + binders);
    }
    if (policy.hardPodAffinitySymmetricWeight() < 0
        || policy.hardPodAffinitySymmetricWeight() > 100) {
      errors.add(
          "hardPodAffinitySymmetricWeight: invalid hardPodAffinitySymmetricWeight: "
              + policy.hardPodAffinitySymmetricWeight()
              + ", must be in the range 1-100");
    }
    if (errors.size() == 1) {
      throw new PolicyException("Policy." + errors.get(0));
    }
    if (!errors.isEmpty()) {
      throw new PolicyException("Policy: [" + String.join(", ", errors) + "]");
    }
  }

  private static boolean checkName(
      String name,
      String at,
      Map<String, Integer> seen,
      int index,
      String list,
      List<String> errors) {
    if (name == null || name.isEmpty()) {
      errors.add(at + ".name: a name is required");
      return false;
    }
    Integer first = seen.putIfAbsent(name, index);
    if (first != null) {
      errors.add(
          at + ".name: duplicate name \"" + name + "\" (first at " + list + "[" + first + "])");
      return false;
    }
    return true;
  }

  /** Upstream's {@code validateCustomPriorities} and {@code validatePriorityOrDie}. */
  private static void validateCustomPriority(
      String at,
      Policy.PriorityPolicy p,
      Map<String, Policy.PriorityPolicy> byType,
      List<String> errors) {
    Policy.PriorityArgument a = p.argument();
    if (a == null) {
      return;
    }
    int numArgs =
        (a.serviceAntiAffinity() != null ? 1 : 0)
            + (a.labelPreference() != null ? 1 : 0)
            + (a.requestedToCapacityRatioArguments() != null ? 1 : 0);
    if (numArgs == 0) {
      errors.add(at + ": No priority arguments set for priority " + p.name());
      return;
    }
    if (numArgs > 1) {
      errors.add(
          at
              + ": Exactly 1 priority argument is required, numArgs: "
              + numArgs
              + ", Priority: "
              + p.name());
      return;
    }
    String type =
        a.labelPreference() != null
            ? "LabelPreference"
            : a.serviceAntiAffinity() != null ? "ServiceAntiAffinity" : "RequestedToCapacityRatio";
    Policy.PriorityPolicy existing = byType.get(type);
    if (existing != null) {
      if (type.equals("RequestedToCapacityRatio")) {
        errors.add(
            at
                + ": Priority \""
                + p.name()
                + "\" redeclares custom priority \""
                + type
                + "\", from:\""
                + existing.name()
                + "\"");
        return;
      }
      if (existing.weight() != p.weight()) {
        // Two spaces, as upstream's format string has them.
        errors.add(
            at
                + ": "
                + type
                + "  priority \""
                + p.name()
                + "\" has a different weight with \""
                + existing.name()
                + "\"");
        return;
      }
    }
    byType.put(type, p);
  }

  /** Upstream's {@code validateExtendedResourceName}: a qualified name outside kubernetes.io. */
  static String extendedResourceNameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "name part must be non-empty";
    }
    String[] parts = name.split("/", -1);
    String prefix = parts.length == 2 ? parts[0] : null;
    String local = parts.length == 2 ? parts[1] : parts[0];
    if (parts.length > 2
        || local.isEmpty()
        || local.length() > 63
        || !QUALIFIED_NAME_PART.matcher(local).matches()
        || (prefix != null
            && (prefix.isEmpty()
                || prefix.length() > 253
                || !DNS1123_SUBDOMAIN.matcher(prefix).matches()))) {
      return "\"" + name + "\" is not a valid qualified name";
    }
    // IsExtendedResourceName: fully qualified, not in the kubernetes.io namespace, and "requests."
    // + name must also be a qualified name.
    boolean nativeNamespace =
        prefix == null || prefix.equals("kubernetes.io") || prefix.endsWith(".kubernetes.io");
    if (nativeNamespace
        || name.startsWith("requests.")
        || ("requests." + name).split("/", -1)[0].length() > 253) {
      return name + " is an invalid extended resource name";
    }
    return null;
  }

  /**
   * One JSON object being decoded, with its path for error messages and the set of fields it may
   * have.
   */
  private static final class Obj {
    private final String path;
    private final boolean caseInsensitive;
    private final Map<String, JsonNode> fields = new HashMap<>();

    private Obj(String path, boolean caseInsensitive) {
      this.path = path;
      this.caseInsensitive = caseInsensitive;
    }

    static Obj of(JsonNode n, String path, Set<String> allowed, boolean caseInsensitive) {
      if (!n.isObject()) {
        throw new PolicyException(
            path
                + ": expected an object, got "
                + n.getNodeType().toString().toLowerCase(Locale.ROOT));
      }
      Map<String, String> canonical = new HashMap<>();
      for (String f : allowed) {
        canonical.put(caseInsensitive ? f.toLowerCase(Locale.ROOT) : f, f);
      }
      Obj o = new Obj(path, caseInsensitive);
      for (Map.Entry<String, JsonNode> e : n.properties()) {
        String key = caseInsensitive ? e.getKey().toLowerCase(Locale.ROOT) : e.getKey();
        String field = canonical.get(key);
        if (field == null) {
          throw new PolicyException(
              path + ": unknown field \"" + e.getKey() + "\" (known: " + sorted(allowed) + ")");
        }
        if (o.fields.put(field, e.getValue()) != null) {
          throw new PolicyException(path + ": field \"" + field + "\" given twice");
        }
      }
      return o;
    }

    private static String sorted(Set<String> s) {
      List<String> l = new ArrayList<>(s);
      l.sort(null);
      return String.join(", ", l);
    }

    private JsonNode get(String field) {
      JsonNode n = fields.get(field);
      return n == null || n.isNull() ? null : n;
    }

    private PolicyException wrongType(String field, String expected, JsonNode n) {
      return new PolicyException(
          path + "." + field + ": expected " + expected + ", got " + n.toString());
    }

    String string(String field) {
      JsonNode n = get(field);
      if (n == null) {
        return null;
      }
      if (!n.isString()) {
        throw wrongType(field, "a string", n);
      }
      return n.stringValue();
    }

    boolean bool(String field) {
      JsonNode n = get(field);
      if (n == null) {
        return false;
      }
      if (!n.isBoolean()) {
        throw wrongType(field, "true or false", n);
      }
      return n.booleanValue();
    }

    int int32(String field) {
      JsonNode n = get(field);
      if (n == null) {
        return 0;
      }
      if (!n.isIntegralNumber() || !n.canConvertToInt()) {
        throw wrongType(field, "a 32-bit integer", n);
      }
      return n.intValue();
    }

    long int64(String field) {
      JsonNode n = get(field);
      if (n == null) {
        return 0;
      }
      if (!n.isIntegralNumber() || !n.canConvertToLong()) {
        throw wrongType(field, "a 64-bit integer", n);
      }
      return n.longValue();
    }

    byte[] bytes(String field) {
      String s = string(field);
      if (s == null) {
        return null;
      }
      try {
        return Base64.getDecoder().decode(s);
      } catch (IllegalArgumentException e) {
        throw new PolicyException(path + "." + field + ": not base64: " + e.getMessage(), e);
      }
    }

    List<String> strings(String field) {
      List<String> l =
          list(
              field,
              (n, p) -> {
                if (!n.isString()) {
                  throw new PolicyException(p + ": expected a string, got " + n);
                }
                return n.stringValue();
              });
      return l == null ? List.of() : l;
    }

    Obj object(String field, Set<String> allowed) {
      JsonNode n = get(field);
      return n == null ? null : Obj.of(n, path + "." + field, allowed, caseInsensitive);
    }

    <T> List<T> list(String field, BiFunction<JsonNode, String, T> element) {
      JsonNode n = get(field);
      if (n == null) {
        return null;
      }
      if (!n.isArray()) {
        throw wrongType(field, "a list", n);
      }
      String at = path + "." + field;
      List<T> out = new ArrayList<>(n.size());
      for (int i = 0; i < n.size(); i++) {
        out.add(element.apply(n.get(i), at + "[" + i + "]"));
      }
      return out;
    }
  }
}
