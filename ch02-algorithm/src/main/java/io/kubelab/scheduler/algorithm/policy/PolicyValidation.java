package io.kubelab.scheduler.algorithm.policy;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Checks a {@link Policy} before a scheduler is built from it.
 *
 * <p>Upstream: {@code ValidatePolicy} and {@code validateCustomPriorities} in {@code
 * pkg/scheduler/apis/config/validation/validation.go}, the argument checks {@code
 * validatePredicateOrDie} / {@code validatePriorityOrDie} of {@code
 * pkg/scheduler/algorithm_factory.go} (which exit the process there), and the constants of {@code
 * pkg/scheduler/apis/config/types.go} (v1.17). Messages are upstream's, prefixed with the field
 * they are about. Ours on top: a name is required, a name may appear once per list, and an extender
 * needs its {@code urlPrefix}.
 */
public final class PolicyValidation {

  /** {@code MaxCustomPriorityScore}: the top of the policy-supplied score scale. */
  public static final long MAX_CUSTOM_PRIORITY_SCORE = 10;

  /** {@code MaxTotalScore}: the largest combined score a node may reach. */
  public static final long MAX_TOTAL_SCORE = Long.MAX_VALUE;

  /** {@code MaxWeight}: weights at or above this could overflow the combined score. */
  public static final long MAX_WEIGHT = MAX_TOTAL_SCORE / MAX_CUSTOM_PRIORITY_SCORE;

  // IsQualifiedName: an optional DNS-subdomain prefix and a name of at most 63 characters.
  private static final Pattern QUALIFIED_NAME_PART =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");
  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");

  private PolicyValidation() {}

  /**
   * Upstream's {@code ValidatePolicy} plus the checks {@code algorithm_factory.go} makes when it
   * registers the policy's predicates and priorities, and ours for names. Like upstream it reports
   * every problem, not just the first. The range of {@code hardPodAffinitySymmetricWeight} is
   * checked where upstream checks it, once the policy's value has replaced the configured one
   * ({@code CreateFromKeys}).
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
  public static String extendedResourceNameProblem(String name) {
    if (name == null || name.isEmpty()) {
      return "name part must be non-empty";
    }
    String[] parts = name.split("/", -1);
    String prefix = parts.length == 2 ? parts[0] : null;
    String local = parts.length == 2 ? parts[1] : parts[0];
    // Both patterns need at least one character: an empty part does not match.
    if (parts.length > 2
        || local.length() > 63
        || !QUALIFIED_NAME_PART.matcher(local).matches()
        || (prefix != null
            && (prefix.length() > 253 || !DNS1123_SUBDOMAIN.matcher(prefix).matches()))) {
      return "\"" + name + "\" is not a valid qualified name";
    }
    // IsExtendedResourceName: fully qualified, not native (IsNativeResource: no prefix, or
    // "kubernetes.io/" anywhere in the name, so "examplekubernetes.io/x" is native too), and
    // "requests." + name must also be a qualified name.
    boolean nativeNamespace = prefix == null || name.contains("kubernetes.io/");
    if (nativeNamespace
        || name.startsWith("requests.")
        || ("requests." + name).split("/", -1)[0].length() > 253) {
      return name + " is an invalid extended resource name";
    }
    return null;
  }
}
