package io.kubelab.scheduler.framework.config;

import io.kubelab.scheduler.algorithm.policy.Policy;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Reads a {@code KubeSchedulerConfiguration} (v1alpha2) from YAML or JSON, applies v1alpha2's
 * defaults and checks it.
 *
 * <p>Upstream: the v1alpha2 types and {@code SetDefaults_KubeSchedulerConfiguration} ({@code
 * k8s.io/kube-scheduler/config/v1alpha2}, {@code pkg/scheduler/apis/config/v1alpha2/defaults.go})
 * and {@code ValidateKubeSchedulerConfiguration} (v1.18), extenders included ({@code extenders},
 * the Policy's extender type). Upstream's decoder ignores unknown fields; this one rejects them,
 * naming the field, since a misspelt {@code filtr:} that is silently ignored schedules with the
 * wrong plugins. Every error names the field: {@code profiles[0].plugins.score.enabled[1].weight:
 * cannot be read as an integer}.
 */
public final class KubeSchedulerConfigurationReader {

  private static final YAMLMapper YAML = YAMLMapper.builder().build();

  private static final Set<String> TOP =
      Set.of(
          "apiVersion",
          "kind",
          "leaderElection",
          "clientConnection",
          "healthzBindAddress",
          "metricsBindAddress",
          "debuggingConfiguration",
          "enableProfiling",
          "enableContentionProfiling",
          "disablePreemption",
          "percentageOfNodesToScore",
          "bindTimeoutSeconds",
          "podInitialBackoffSeconds",
          "podMaxBackoffSeconds",
          "profiles",
          "extenders");

  private KubeSchedulerConfigurationReader() {}

  /** A configuration file that cannot be read or is invalid; the message names the field(s). */
  public static final class ConfigurationException extends IllegalArgumentException {
    private static final long serialVersionUID = 1L;

    ConfigurationException(String message) {
      super(message);
    }
  }

  /**
   * Parses, defaults and validates.
   *
   * @throws ConfigurationException with upstream's validation errors (one, or several as {@code [a,
   *     b]}, as {@code utilerrors.NewAggregate} prints them), or naming the unreadable field
   */
  public static KubeSchedulerConfiguration read(String text) {
    JsonNode root;
    try {
      root = YAML.readTree(text);
    } catch (JacksonException e) {
      throw new ConfigurationException("not YAML or JSON: " + e.getOriginalMessage());
    }
    if (root == null || !root.isObject()) {
      throw new ConfigurationException("a KubeSchedulerConfiguration must be an object");
    }
    checkFields(root, "", TOP);
    String apiVersion = text(root, "apiVersion", "");
    String kind = text(root, "kind", "");
    if (!KubeSchedulerConfiguration.API_VERSION.equals(apiVersion)
        || !"KubeSchedulerConfiguration".equals(kind)) {
      throw new ConfigurationException(
          "apiVersion/kind: want "
              + KubeSchedulerConfiguration.API_VERSION
              + "/KubeSchedulerConfiguration, got \""
              + apiVersion
              + "\"/\""
              + kind
              + "\"");
    }
    List<Policy.Extender> extenders = new ArrayList<>();
    JsonNode es = root.get("extenders");
    if (es != null && !es.isNull()) {
      if (!es.isArray()) {
        throw new ConfigurationException("extenders: must be a list");
      }
      for (int i = 0; i < es.size(); i++) {
        extenders.add(extender(es.get(i), "extenders[" + i + "]"));
      }
    }
    List<KubeSchedulerConfiguration.Profile> profiles = new ArrayList<>();
    JsonNode ps = root.get("profiles");
    if (ps != null && !ps.isNull()) {
      if (!ps.isArray()) {
        throw new ConfigurationException("profiles: must be a list");
      }
      for (int i = 0; i < ps.size(); i++) {
        profiles.add(profile(ps.get(i), "profiles[" + i + "]"));
      }
    }
    // SetDefaults_KubeSchedulerConfiguration: no profile means one, and a single profile without
    // a name is the default scheduler.
    if (profiles.isEmpty()) {
      profiles.add(new KubeSchedulerConfiguration.Profile(null, null, List.of(), "profiles[0]"));
    }
    if (profiles.size() == 1 && profiles.get(0).schedulerName() == null) {
      KubeSchedulerConfiguration.Profile p = profiles.get(0);
      profiles.set(
          0,
          new KubeSchedulerConfiguration.Profile(
              KubeSchedulerConfiguration.DEFAULT_SCHEDULER_NAME,
              p.plugins(),
              p.pluginConfig(),
              p.origin()));
    }
    KubeSchedulerConfiguration c =
        new KubeSchedulerConfiguration(
            profiles,
            (int) integer(root, "percentageOfNodesToScore", 0),
            bool(root, "disablePreemption", false),
            integer(root, "bindTimeoutSeconds", 600),
            integer(root, "podInitialBackoffSeconds", 1),
            integer(root, "podMaxBackoffSeconds", 10),
            extenders);
    List<String> errs = c.validate();
    if (errs.size() == 1) {
      throw new ConfigurationException(errs.get(0));
    }
    if (!errs.isEmpty()) {
      throw new ConfigurationException("[" + String.join(", ", errs) + "]");
    }
    return c;
  }

  private static KubeSchedulerConfiguration.Profile profile(JsonNode n, String path) {
    requireObject(n, path);
    checkFields(n, path + ".", Set.of("schedulerName", "plugins", "pluginConfig"));
    // v1alpha2's schedulerName is a *string: null, like a missing field, leaves it unset (and so
    // open to the default name), where "" is set and empty.
    JsonNode sn = n.get("schedulerName");
    String name = sn == null || sn.isNull() ? null : text(n, "schedulerName", path + ".");
    Plugins plugins = null;
    JsonNode pl = n.get("plugins");
    if (pl != null && !pl.isNull()) {
      plugins = plugins(pl, path + ".plugins");
    }
    List<PluginConfig> configs = new ArrayList<>();
    JsonNode pc = n.get("pluginConfig");
    if (pc != null && !pc.isNull()) {
      if (!pc.isArray()) {
        throw new ConfigurationException(path + ".pluginConfig: must be a list");
      }
      for (int i = 0; i < pc.size(); i++) {
        String p = path + ".pluginConfig[" + i + "]";
        JsonNode e = pc.get(i);
        requireObject(e, p);
        checkFields(e, p + ".", Set.of("name", "args"));
        String pluginName = text(e, "name", p + ".");
        if (pluginName.isEmpty()) {
          throw new ConfigurationException(p + ".name: Required value");
        }
        configs.add(new PluginConfig(pluginName, e.get("args"), p));
      }
    }
    return new KubeSchedulerConfiguration.Profile(name, plugins, configs, path);
  }

  /** The fields of v1alpha2's extender (the Policy's {@code v1.Extender}), by lower-case name. */
  private static final Map<String, String> EXTENDER_FIELDS =
      lowerCased(
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

  private static final Map<String, String> TLS_FIELDS =
      lowerCased(
          "insecure",
          "serverName",
          "certFile",
          "keyFile",
          "caFile",
          "certData",
          "keyData",
          "caData");

  private static final Map<String, String> MANAGED_RESOURCE_FIELDS =
      lowerCased("name", "ignoredByScheduler");

  private static Map<String, String> lowerCased(String... names) {
    Map<String, String> m = new java.util.LinkedHashMap<>();
    for (String n : names) {
      m.put(n.toLowerCase(java.util.Locale.ROOT), n);
    }
    return m;
  }

  /**
   * One extender. Field names match in any case, as Go's {@code encoding/json} matches them (so
   * v1beta1's {@code enableHTTPS} reads as v1alpha2's {@code enableHttps}); {@code httpTimeout} is
   * a Go {@code time.Duration}, an integer of nanoseconds.
   */
  private static Policy.Extender extender(JsonNode n, String path) {
    requireObject(n, path);
    Map<String, JsonNode> f = fold(n, path + ".", EXTENDER_FIELDS);
    Policy.ExtenderTLSConfig tls = null;
    JsonNode t = f.get("tlsConfig");
    if (t != null && !t.isNull()) {
      requireObject(t, path + ".tlsConfig");
      Map<String, JsonNode> tf = fold(t, path + ".tlsConfig.", TLS_FIELDS);
      String p = path + ".tlsConfig.";
      tls =
          new Policy.ExtenderTLSConfig(
              boolOf(tf.get("insecure"), p + "insecure"),
              stringOf(tf.get("serverName"), p + "serverName"),
              stringOf(tf.get("certFile"), p + "certFile"),
              stringOf(tf.get("keyFile"), p + "keyFile"),
              stringOf(tf.get("caFile"), p + "caFile"),
              base64Of(tf.get("certData"), p + "certData"),
              base64Of(tf.get("keyData"), p + "keyData"),
              base64Of(tf.get("caData"), p + "caData"));
    }
    List<Policy.ExtenderManagedResource> managed = new ArrayList<>();
    JsonNode mr = f.get("managedResources");
    if (mr != null && !mr.isNull()) {
      if (!mr.isArray()) {
        throw new ConfigurationException(path + ".managedResources: must be a list");
      }
      for (int j = 0; j < mr.size(); j++) {
        String p = path + ".managedResources[" + j + "]";
        requireObject(mr.get(j), p);
        Map<String, JsonNode> rf = fold(mr.get(j), p + ".", MANAGED_RESOURCE_FIELDS);
        managed.add(
            new Policy.ExtenderManagedResource(
                stringOf(rf.get("name"), p + ".name"),
                boolOf(rf.get("ignoredByScheduler"), p + ".ignoredByScheduler")));
      }
    }
    String urlPrefix = stringOf(f.get("urlPrefix"), path + ".urlPrefix");
    if (urlPrefix.isEmpty()) {
      throw new ConfigurationException(path + ".urlPrefix: Required value");
    }
    JsonNode w = f.get("weight");
    long weight = 0;
    if (w != null && !w.isNull()) {
      if (!w.isIntegralNumber() || !w.canConvertToLong()) {
        throw new ConfigurationException(path + ".weight: cannot be read as an integer");
      }
      weight = w.asLong();
    }
    return new Policy.Extender(
        urlPrefix,
        stringOf(f.get("filterVerb"), path + ".filterVerb"),
        stringOf(f.get("preemptVerb"), path + ".preemptVerb"),
        stringOf(f.get("prioritizeVerb"), path + ".prioritizeVerb"),
        weight,
        stringOf(f.get("bindVerb"), path + ".bindVerb"),
        boolOf(f.get("enableHttps"), path + ".enableHttps"),
        tls,
        durationOf(f.get("httpTimeout"), path + ".httpTimeout"),
        boolOf(f.get("nodeCacheCapable"), path + ".nodeCacheCapable"),
        managed,
        boolOf(f.get("ignorable"), path + ".ignorable"));
  }

  /** The object's fields under their canonical names; an unknown or repeated field is an error. */
  private static Map<String, JsonNode> fold(JsonNode n, String prefix, Map<String, String> known) {
    Map<String, JsonNode> out = new java.util.HashMap<>();
    for (Map.Entry<String, JsonNode> e : n.properties()) {
      String canonical = known.get(e.getKey().toLowerCase(java.util.Locale.ROOT));
      if (canonical == null) {
        throw new ConfigurationException(
            prefix
                + e.getKey()
                + ": unknown field (known: "
                + String.join(", ", new java.util.TreeSet<>(known.values()))
                + ")");
      }
      if (out.put(canonical, e.getValue()) != null) {
        throw new ConfigurationException(prefix + canonical + ": given twice");
      }
    }
    return out;
  }

  private static String stringOf(JsonNode v, String path) {
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isString()) {
      throw new ConfigurationException(path + ": cannot be read as a string");
    }
    return v.asString();
  }

  private static boolean boolOf(JsonNode v, String path) {
    if (v == null || v.isNull()) {
      return false;
    }
    if (!v.isBoolean()) {
      throw new ConfigurationException(path + ": cannot be read as a boolean");
    }
    return v.asBoolean();
  }

  private static byte[] base64Of(JsonNode v, String path) {
    String s = stringOf(v, path);
    if (s.isEmpty()) {
      return null;
    }
    try {
      return java.util.Base64.getDecoder().decode(s);
    } catch (IllegalArgumentException e) {
      throw new ConfigurationException(path + ": not base64: " + e.getMessage());
    }
  }

  private static java.time.Duration durationOf(JsonNode v, String path) {
    if (v == null || v.isNull()) {
      return java.time.Duration.ZERO;
    }
    if (v.isIntegralNumber() && v.canConvertToLong()) {
      return java.time.Duration.ofNanos(v.asLong());
    }
    throw new ConfigurationException(
        path + ": cannot be read as a duration (a Go time.Duration: an integer of nanoseconds)");
  }

  private static Plugins plugins(JsonNode n, String path) {
    requireObject(n, path);
    Map<String, ExtensionPoint> byField = new java.util.HashMap<>();
    for (ExtensionPoint p : ExtensionPoint.values()) {
      byField.put(p.field(), p);
    }
    checkFields(n, path + ".", byField.keySet());
    Map<ExtensionPoint, PluginSet> sets = new EnumMap<>(ExtensionPoint.class);
    Plugins out = Plugins.empty();
    for (Iterator<Map.Entry<String, JsonNode>> it = n.properties().iterator(); it.hasNext(); ) {
      Map.Entry<String, JsonNode> e = it.next();
      if (e.getValue().isNull()) {
        continue;
      }
      ExtensionPoint point = byField.get(e.getKey());
      String p = path + "." + e.getKey();
      requireObject(e.getValue(), p);
      checkFields(e.getValue(), p + ".", Set.of("enabled", "disabled"));
      sets.put(
          point,
          new PluginSet(
              pluginList(e.getValue().get("enabled"), p + ".enabled"),
              pluginList(e.getValue().get("disabled"), p + ".disabled")));
    }
    for (Map.Entry<ExtensionPoint, PluginSet> e : sets.entrySet()) {
      out = out.with(e.getKey(), e.getValue());
    }
    return out;
  }

  private static List<Plugin> pluginList(JsonNode n, String path) {
    List<Plugin> out = new ArrayList<>();
    if (n == null || n.isNull()) {
      return out;
    }
    if (!n.isArray()) {
      throw new ConfigurationException(path + ": must be a list");
    }
    for (int i = 0; i < n.size(); i++) {
      String p = path + "[" + i + "]";
      JsonNode e = n.get(i);
      requireObject(e, p);
      checkFields(e, p + ".", Set.of("name", "weight"));
      String name = text(e, "name", p + ".");
      if (name.isEmpty()) {
        throw new ConfigurationException(p + ".name: Required value");
      }
      out.add(new Plugin(name, (int) integer(e, "weight", 0, p + "."), p));
    }
    return out;
  }

  private static void requireObject(JsonNode n, String path) {
    if (n == null || !n.isObject()) {
      throw new ConfigurationException(path + ": must be an object");
    }
  }

  private static void checkFields(JsonNode n, String prefix, Set<String> known) {
    for (String f : n.propertyNames()) {
      if (!known.contains(f)) {
        throw new ConfigurationException(
            prefix
                + f
                + ": unknown field (known: "
                + String.join(", ", new java.util.TreeSet<>(known))
                + ")");
      }
    }
  }

  private static String text(JsonNode n, String field, String prefix) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return "";
    }
    if (!v.isString()) {
      throw new ConfigurationException(prefix + field + ": cannot be read as a string");
    }
    return v.asString();
  }

  private static long integer(JsonNode n, String field, long dflt) {
    return integer(n, field, dflt, "");
  }

  private static long integer(JsonNode n, String field, long dflt, String prefix) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isIntegralNumber() || !v.canConvertToInt()) {
      throw new ConfigurationException(prefix + field + ": cannot be read as an integer");
    }
    return v.asInt();
  }

  private static boolean bool(JsonNode n, String field, boolean dflt) {
    JsonNode v = n.get(field);
    if (v == null || v.isNull()) {
      return dflt;
    }
    if (!v.isBoolean()) {
      throw new ConfigurationException(field + ": cannot be read as a boolean");
    }
    return v.asBoolean();
  }
}
