package io.kubelab.scheduler.framework.config;

import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.algorithm.policy.PolicyValidation;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;

/**
 * The scheduler's configuration file: its profiles (each a scheduler name with its plugins and
 * their arguments) and the settings that concern scheduling.
 *
 * <p>Upstream: {@code KubeSchedulerConfiguration}, {@code KubeSchedulerProfile} in {@code
 * pkg/scheduler/apis/config/types.go} and {@code k8s.io/kube-scheduler/config/v1alpha2/types.go},
 * defaults from {@code v1alpha2/defaults.go}, checks from {@code
 * apis/config/validation/validation.go} (v1.18). Read with {@link
 * KubeSchedulerConfigurationReader}. The connection, leader-election and bind-address settings are
 * read and checked for their type but not kept: nothing here talks to an API server.
 *
 * @param profiles at least one, with distinct scheduler names
 * @param percentageOfNodesToScore 0 (adaptive) to 100
 * @param disablePreemption whether preemption is off
 * @param bindTimeoutSeconds how long a binding may take (default 600)
 * @param podInitialBackoffSeconds the first backoff of a failed pod (default 1)
 * @param podMaxBackoffSeconds the longest backoff (default 10)
 * @param extenders the HTTP extenders every profile calls, in order (v1alpha2's {@code extenders},
 *     the Policy's extender type)
 */
public record KubeSchedulerConfiguration(
    List<Profile> profiles,
    int percentageOfNodesToScore,
    boolean disablePreemption,
    long bindTimeoutSeconds,
    long podInitialBackoffSeconds,
    long podMaxBackoffSeconds,
    List<Policy.Extender> extenders) {

  /** {@code SchemeGroupVersion} of v1alpha2. */
  public static final String API_VERSION = "kubescheduler.config.k8s.io/v1alpha2";

  /** {@code v1.DefaultSchedulerName}. */
  public static final String DEFAULT_SCHEDULER_NAME = "default-scheduler";

  public KubeSchedulerConfiguration {
    profiles = List.copyOf(profiles);
    extenders = extenders == null ? List.of() : List.copyOf(extenders);
  }

  /** A configuration without extenders. */
  public KubeSchedulerConfiguration(
      List<Profile> profiles,
      int percentageOfNodesToScore,
      boolean disablePreemption,
      long bindTimeoutSeconds,
      long podInitialBackoffSeconds,
      long podMaxBackoffSeconds) {
    this(
        profiles,
        percentageOfNodesToScore,
        disablePreemption,
        bindTimeoutSeconds,
        podInitialBackoffSeconds,
        podMaxBackoffSeconds,
        List.of());
  }

  /**
   * One profile: a scheduler name and the plugins pods with that {@code spec.schedulerName} are
   * scheduled with.
   *
   * @param schedulerName the name pods select the profile by
   * @param plugins enabled and disabled plugins per extension point, applied over the defaults;
   *     null for the defaults unchanged
   * @param pluginConfig the plugins' arguments
   * @param origin where it was read from ({@code profiles[1]}), for messages
   */
  public record Profile(
      String schedulerName, Plugins plugins, List<PluginConfig> pluginConfig, String origin) {
    public Profile {
      pluginConfig = List.copyOf(pluginConfig);
    }
  }

  /** A configuration of one profile with these plugins and v1alpha2's other defaults. */
  public static KubeSchedulerConfiguration of(Profile profile) {
    return new KubeSchedulerConfiguration(List.of(profile), 0, false, 600, 1, 10);
  }

  /**
   * {@code ValidateKubeSchedulerConfiguration}, the parts about what this configuration keeps:
   * every error, in upstream's order and wording ({@code field.ErrorList}).
   *
   * @return the errors, empty when the configuration is valid
   */
  public List<String> validate() {
    List<String> errs = new ArrayList<>();
    if (profiles.isEmpty()) {
      errs.add("profiles: Required value");
    } else {
      Map<String, Integer> existing = new HashMap<>();
      for (int i = 0; i < profiles.size(); i++) {
        Profile p = profiles.get(i);
        String path = "profiles[" + i + "]";
        if (p.schedulerName() == null || p.schedulerName().isEmpty()) {
          errs.add(path + ".schedulerName: Required value");
        }
        Integer idx = existing.get(p.schedulerName());
        if (idx != null) {
          // Upstream passes the first profile's field path as the duplicate "value".
          errs.add(path + ".schedulerName: Duplicate value: profiles[" + idx + "].schedulerName");
        }
        existing.put(p.schedulerName(), i);
      }
      PluginSet canon = queueSort(profiles.get(0));
      for (int i = 1; i < profiles.size(); i++) {
        PluginSet curr = queueSort(profiles.get(i));
        if (!sameQueueSort(canon, curr)) {
          errs.add(
              "profiles["
                  + i
                  + "].plugins.queueSort: Invalid value: "
                  + describe(curr)
                  + ": has to match for all profiles");
        }
      }
    }
    if (percentageOfNodesToScore < 0 || percentageOfNodesToScore > 100) {
      errs.add(
          "percentageOfNodesToScore: Invalid value: "
              + percentageOfNodesToScore
              + ": not in valid range [0-100]");
    }
    if (podInitialBackoffSeconds <= 0) {
      errs.add(
          "podInitialBackoffSeconds: Invalid value: "
              + podInitialBackoffSeconds
              + ": must be greater than 0");
    }
    if (podMaxBackoffSeconds < podInitialBackoffSeconds) {
      errs.add(
          "podMaxBackoffSeconds: Invalid value: "
              + podMaxBackoffSeconds
              + ": must be greater than or equal to PodInitialBackoffSeconds");
    }
    validateExtenders(errs);
    return errs;
  }

  /**
   * {@code validateExtenders}: positive weights, valid and distinct managed resources, one binder.
   */
  private void validateExtenders(List<String> errs) {
    int binders = 0;
    java.util.Set<String> managed = new HashSet<>();
    for (int i = 0; i < extenders.size(); i++) {
      Policy.Extender e = extenders.get(i);
      String path = "extenders[" + i + "]";
      if (e.prioritizeVerb() != null && !e.prioritizeVerb().isEmpty() && e.weight() <= 0) {
        errs.add(
            path
                + ".weight: Invalid value: "
                + e.weight()
                + ": must have a positive weight applied to it");
      }
      if (e.bindVerb() != null && !e.bindVerb().isEmpty()) {
        binders++;
      }
      for (int j = 0; j < e.managedResources().size(); j++) {
        String name = e.managedResources().get(j).name();
        String at = path + ".managedResources[" + j + "].name: Invalid value: \"" + name + "\": ";
        String problem = PolicyValidation.extendedResourceNameProblem(name);
        if (problem != null) {
          errs.add(at + problem);
        }
        if (!managed.add(name)) {
          errs.add(at + "duplicate extender managed resource name");
        }
      }
    }
    if (binders > 1) {
      errs.add(
          "extenders: Invalid value: \"found "
              + binders
              + " extenders implementing bind\": only one extender can implement bind");
    }
  }

  private static PluginSet queueSort(Profile p) {
    return p.plugins() == null ? null : p.plugins().get(ExtensionPoint.QUEUE_SORT);
  }

  /** {@code cmp.Equal} of two plugin sets: names and weights, not where they were read from. */
  private static boolean sameQueueSort(PluginSet a, PluginSet b) {
    if (a == null || b == null) {
      return a == b;
    }
    return names(a.enabled()).equals(names(b.enabled()))
        && names(a.disabled()).equals(names(b.disabled()));
  }

  private static List<String> names(List<Plugin> plugins) {
    List<String> out = new ArrayList<>();
    for (Plugin p : plugins) {
      out.add(p.name() + "/" + p.weight());
    }
    return out;
  }

  /**
   * The bad value as {@code field.Error} prints it: a nil {@code *PluginSet} becomes the string
   * {@code "null"}, quoted like every string value.
   */
  private static String describe(PluginSet s) {
    if (s == null) {
      return "\"null\"";
    }
    List<String> enabled = new ArrayList<>();
    for (Plugin p : s.enabled()) {
      enabled.add(p.name());
    }
    List<String> disabled = new ArrayList<>();
    for (Plugin p : s.disabled()) {
      disabled.add(p.name());
    }
    return "{enabled: " + enabled + ", disabled: " + disabled + "}";
  }
}
