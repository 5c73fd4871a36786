package io.kubelab.explain;

import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.framework.FrameworkImpl;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfigurationReader;
import io.kubelab.scheduler.framework.plugins.LegacyRegistry;
import io.kubelab.scheduler.framework.profile.Profiles;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * What {@code --profile} names: the framework(s) a run schedules with, by scheduler name.
 *
 * <p>{@value Profiles#DEFAULT_118} is v1.18's default plugins. {@value Profiles#LEGACY_117} and any
 * Policy file run as v1.18 runs a Policy: translated into plugins ({@link LegacyRegistry}, upstream
 * {@code pkg/scheduler/framework/plugins/legacy_registry.go}), so a predicate is recorded under the
 * plugin that carries it. A KubeSchedulerConfiguration file gives one framework per profile.
 *
 * <p>The extenders a Policy or a configuration names come along in {@link #settings()}, with the
 * configuration's scheduler-wide settings; a run calls them over HTTP.
 *
 * @param name what the user named (a profile name or a file)
 * @param kind {@code profile}, {@code Policy} or {@code KubeSchedulerConfiguration}
 * @param settings what the scheduler itself is configured with besides its profiles
 */
public record SchedulerProfile(String name, String kind, Builder builder, Settings settings) {

  /**
   * The scheduler-wide settings of a configuration (v1alpha2's defaults for a Policy or a shipped
   * profile).
   *
   * @param percentageOfNodesToScore 0 for the adaptive default
   * @param disablePreemption whether PostFilter's preemption is off
   * @param podInitialBackoff the queue's first backoff
   * @param podMaxBackoff the queue's longest backoff
   * @param extenders the extenders, in the order they are called
   */
  public record Settings(
      int percentageOfNodesToScore,
      boolean disablePreemption,
      java.time.Duration podInitialBackoff,
      java.time.Duration podMaxBackoff,
      List<Policy.Extender> extenders) {
    public Settings {
      extenders = List.copyOf(extenders);
    }

    /** v1alpha2's defaults and these extenders. */
    public static Settings defaults(List<Policy.Extender> extenders) {
      return new Settings(
          0, false, java.time.Duration.ofSeconds(1), java.time.Duration.ofSeconds(10), extenders);
    }

    static Settings of(KubeSchedulerConfiguration c) {
      return new Settings(
          c.percentageOfNodesToScore(),
          c.disablePreemption(),
          java.time.Duration.ofSeconds(c.podInitialBackoffSeconds()),
          java.time.Duration.ofSeconds(c.podMaxBackoffSeconds()),
          c.extenders());
    }
  }

  /** Builds the frameworks for a run from the run's base builder. */
  @FunctionalInterface
  public interface Builder {
    Map<String, FrameworkImpl> build(Supplier<FrameworkImpl.Builder> base);
  }

  /** {@value Profiles#DEFAULT_118}. */
  public static SchedulerProfile default118() {
    return new SchedulerProfile(
        Profiles.DEFAULT_118,
        "profile",
        base -> Profiles.newMap(Profiles.default118(), base),
        Settings.defaults(List.of()));
  }

  /** {@value Profiles#LEGACY_117}: its Policy, as plugins. */
  public static SchedulerProfile legacy117() {
    return policy(Profiles.LEGACY_117, Profiles.LEGACY_117_POLICY);
  }

  /**
   * A scheduler Policy (JSON), translated into one profile named {@code default-scheduler}.
   *
   * @throws IllegalArgumentException for an invalid Policy
   */
  public static SchedulerProfile policy(String name, String json) {
    Policy policy = Policies.parse(json);
    LegacyRegistry.Translation t = LegacyRegistry.translate(policy);
    return new SchedulerProfile(
        name,
        "Policy",
        base ->
            Map.of(
                KubeSchedulerConfiguration.DEFAULT_SCHEDULER_NAME,
                base.get()
                    .plugins(t.plugins())
                    .pluginConfig(t.pluginConfig())
                    .runAllFilters(t.runAllFilters())
                    .build()),
        Settings.defaults(policy.extenders()));
  }

  /**
   * A KubeSchedulerConfiguration (YAML or JSON): one framework per profile.
   *
   * @throws IllegalArgumentException with upstream's validation message
   */
  public static SchedulerProfile configuration(String name, String text) {
    KubeSchedulerConfiguration c = KubeSchedulerConfigurationReader.read(text);
    return new SchedulerProfile(
        name, "KubeSchedulerConfiguration", base -> Profiles.newMap(c, base), Settings.of(c));
  }

  /**
   * {@code --profile}'s value: a shipped profile's name, or the text of a file holding a Policy
   * ({@code "kind": "Policy"}) or a KubeSchedulerConfiguration.
   *
   * @param fileText reads the file named {@code value}
   */
  public static SchedulerProfile resolve(
      String value, java.util.function.Function<String, String> fileText) {
    if (Profiles.DEFAULT_118.equals(value)) {
      return default118();
    }
    if (Profiles.LEGACY_117.equals(value)) {
      return legacy117();
    }
    String text = fileText.apply(value);
    if (text.matches("(?s).*\"kind\"\\s*:\\s*\"Policy\".*")
        || text.matches("(?s).*(^|\\n)kind:\\s*Policy\\s*(\\n.*|$)")) {
      return policy(value, text);
    }
    return configuration(value, text);
  }
}
