package io.kubelab.scheduler.algorithm.policy;

import java.time.Duration;
import java.util.List;

/**
 * The scheduler Policy document: which predicates and priorities to run, with arguments and
 * weights, the extenders, and two flags.
 *
 * <p>Upstream: {@code Policy} and its parts in {@code pkg/scheduler/apis/config/legacy_types.go},
 * with the JSON field names of {@code staging/src/k8s.io/kube-scheduler/config/v1/types.go}
 * (v1.17). {@link #predicates()} and {@link #priorities()} are null when the document leaves them
 * out, which means "use the DefaultProvider's"; an empty list means "none" (for predicates: only
 * the mandatory ones). Other lists left out are empty, as a Go nil slice reads. {@link
 * Policies#parse} reads the JSON form.
 *
 * @param predicates the fit predicates, or null for the provider's
 * @param priorities the priorities, or null for the provider's
 * @param extenders the extenders (ch07 calls them)
 * @param hardPodAffinitySymmetricWeight the weight of the implicit preferred affinity term of each
 *     required one; 0 keeps the configured value
 * @param alwaysCheckAllPredicates run every predicate even after one failed, for complete reasons
 */
public record Policy(
    List<PredicatePolicy> predicates,
    List<PriorityPolicy> priorities,
    List<Extender> extenders,
    int hardPodAffinitySymmetricWeight,
    boolean alwaysCheckAllPredicates) {

  public Policy {
    predicates = predicates == null ? null : List.copyOf(predicates);
    priorities = priorities == null ? null : List.copyOf(priorities);
    extenders = extenders == null ? List.of() : List.copyOf(extenders);
  }

  /**
   * A predicate by name, with an optional argument.
   *
   * @param name a registered predicate, or any name for one with an argument
   * @param argument null for a registered predicate
   */
  public record PredicatePolicy(String name, PredicateArgument argument) {}

  /**
   * A priority by name with its weight and an optional argument.
   *
   * @param name a registered priority, or any name for one with an argument
   * @param weight a positive multiplier
   * @param argument null for a registered priority
   */
  public record PriorityPolicy(String name, long weight, PriorityArgument argument) {}

  /**
   * Exactly one member is set.
   *
   * @param serviceAffinity configures CheckServiceAffinity
   * @param labelsPresence configures CheckNodeLabelPresence
   */
  public record PredicateArgument(ServiceAffinity serviceAffinity, LabelsPresence labelsPresence) {}

  /**
   * Exactly one member is set.
   *
   * @param serviceAntiAffinity configures the ServiceAffinity priority
   * @param labelPreference configures the NodeLabel priority
   * @param requestedToCapacityRatioArguments configures RequestedToCapacityRatio
   */
  public record PriorityArgument(
      ServiceAntiAffinity serviceAntiAffinity,
      LabelPreference labelPreference,
      RequestedToCapacityRatioArguments requestedToCapacityRatioArguments) {}

  /**
   * @param labels node labels whose values must match those of the nodes running the service's
   *     other pods
   */
  public record ServiceAffinity(List<String> labels) {
    public ServiceAffinity {
      labels = labels == null ? List.of() : List.copyOf(labels);
    }
  }

  /**
   * @param labels node labels that must all be present (or all absent)
   * @param presence true for present
   */
  public record LabelsPresence(List<String> labels, boolean presence) {
    public LabelsPresence {
      labels = labels == null ? List.of() : List.copyOf(labels);
    }
  }

  /**
   * @param label the node label whose values form the groups to spread a service over
   */
  public record ServiceAntiAffinity(String label) {}

  /**
   * @param label a node label
   * @param presence true to prefer nodes with it, false to prefer nodes without it
   */
  public record LabelPreference(String label, boolean presence) {}

  /**
   * @param shape the score function's points
   * @param resources the resources it weighs; empty means cpu and memory with weight 1
   */
  public record RequestedToCapacityRatioArguments(
      List<UtilizationShapePoint> shape, List<ResourceSpec> resources) {
    public RequestedToCapacityRatioArguments {
      shape = shape == null ? List.of() : List.copyOf(shape);
      resources = resources == null ? List.of() : List.copyOf(resources);
    }
  }

  /**
   * @param utilization x, 0 to 100
   * @param score y, 0 to 10 ({@code MaxCustomPriorityScore})
   */
  public record UtilizationShapePoint(int utilization, int score) {}

  /**
   * @param name a resource name
   * @param weight its weight; 0 means 1
   */
  public record ResourceSpec(String name, long weight) {}

  /**
   * An extender: an HTTP service that filters, prioritizes, preempts or binds.
   *
   * @param urlPrefix where it listens; also its name
   * @param filterVerb the filter call's path, empty if it does not filter
   * @param preemptVerb the preempt call's path, empty if not supported
   * @param prioritizeVerb the prioritize call's path, empty if not supported
   * @param weight the multiplier of its scores
   * @param bindVerb the bind call's path, empty if not supported
   * @param enableHttps use https
   * @param tlsConfig TLS settings, or null
   * @param httpTimeout the call timeout; zero means the default (5 s)
   * @param nodeCacheCapable send node names only
   * @param managedResources the extended resources it manages
   * @param ignorable scheduling goes on when it fails
   */
  public record Extender(
      String urlPrefix,
      String filterVerb,
      String preemptVerb,
      String prioritizeVerb,
      long weight,
      String bindVerb,
      boolean enableHttps,
      ExtenderTLSConfig tlsConfig,
      Duration httpTimeout,
      boolean nodeCacheCapable,
      List<ExtenderManagedResource> managedResources,
      boolean ignorable) {
    public Extender {
      managedResources = managedResources == null ? List.of() : List.copyOf(managedResources);
      httpTimeout = httpTimeout == null ? Duration.ZERO : httpTimeout;
    }
  }

  /**
   * TLS settings of an extender; the {@code *Data} fields are base64 in JSON, as Go encodes bytes.
   *
   * @param insecure skip certificate verification
   * @param serverName the SNI name
   * @param certFile client certificate file
   * @param keyFile client key file
   * @param caFile trusted roots file
   * @param certData client certificate PEM, preferred over the file
   * @param keyData client key PEM, preferred over the file
   * @param caData trusted roots PEM, preferred over the file
   */
  public record ExtenderTLSConfig(
      boolean insecure,
      String serverName,
      String certFile,
      String keyFile,
      String caFile,
      byte[] certData,
      byte[] keyData,
      byte[] caData) {}

  /**
   * @param name an extended resource name
   * @param ignoredByScheduler PodFitsResources skips it
   */
  public record ExtenderManagedResource(String name, boolean ignoredByScheduler) {}
}
