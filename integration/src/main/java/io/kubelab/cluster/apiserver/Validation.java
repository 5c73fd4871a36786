package io.kubelab.cluster.apiserver;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;

/**
 * Validation of API objects, the rules the types here need: object metadata (names, namespaces,
 * labels), and each kind's required fields and value sets.
 *
 * <p>Upstream: {@code k8s.io/apimachinery/pkg/util/validation/validation.go} (the name rules and
 * their messages), {@code k8s.io/apimachinery/pkg/api/validation/objectmeta.go} ({@code
 * ValidateObjectMeta}) and {@code pkg/apis/core/validation/validation.go} ({@code ValidatePod},
 * {@code ValidateService}, ...), of which this is a subset: every rule here is upstream's, with its
 * message, but not every upstream rule is here (the chapter lists what is).
 */
final class Validation {

  private Validation() {}

  static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  static final String DNS1123_SUBDOMAIN_FMT = DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
  static final String DNS1035_LABEL_FMT = "[a-z]([-a-z0-9]*[a-z0-9])?";
  private static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";

  private static final Pattern DNS1123_LABEL = Pattern.compile(DNS1123_LABEL_FMT);
  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);
  private static final Pattern DNS1035_LABEL = Pattern.compile(DNS1035_LABEL_FMT);
  private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_FMT);
  private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);

  /** Which rule a kind's names follow. */
  enum NameRule {
    DNS1123_SUBDOMAIN,
    DNS1123_LABEL,
    DNS1035_LABEL
  }

  static String regexError(String msg, String fmt, String... examples) {
    if (examples.length == 0) {
      return msg + " (regex used for validation is '" + fmt + "')";
    }
    StringBuilder b = new StringBuilder(msg).append(" (e.g. ");
    for (int i = 0; i < examples.length; i++) {
      if (i > 0) {
        b.append(" or ");
      }
      b.append('\'').append(examples[i]).append("', ");
    }
    return b.append("regex used for validation is '").append(fmt).append("')").toString();
  }

  static String maxLenError(int n) {
    return "must be no more than " + n + " characters";
  }

  /** {@code IsDNS1123Subdomain} and friends: the problems with {@code value}, empty if none. */
  static List<String> nameProblems(NameRule rule, String value) {
    List<String> errs = new ArrayList<>();
    switch (rule) {
      case DNS1123_SUBDOMAIN -> {
        if (value.length() > 253) {
          errs.add(maxLenError(253));
        }
        if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
          errs.add(
              regexError(
                  "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric"
                      + " characters, '-' or '.', and must start and end with an alphanumeric"
                      + " character",
                  DNS1123_SUBDOMAIN_FMT,
                  "example.com"));
        }
      }
      case DNS1123_LABEL -> {
        if (value.length() > 63) {
          errs.add(maxLenError(63));
        }
        if (!DNS1123_LABEL.matcher(value).matches()) {
          errs.add(
              regexError(
                  "a lowercase RFC 1123 label must consist of lower case alphanumeric characters"
                      + " or '-', and must start and end with an alphanumeric character",
                  DNS1123_LABEL_FMT,
                  "my-name",
                  "123-abc"));
        }
      }
      case DNS1035_LABEL -> {
        if (value.length() > 63) {
          errs.add(maxLenError(63));
        }
        if (!DNS1035_LABEL.matcher(value).matches()) {
          errs.add(
              regexError(
                  "a DNS-1035 label must consist of lower case alphanumeric characters or '-',"
                      + " start with an alphabetic character, and end with an alphanumeric"
                      + " character",
                  DNS1035_LABEL_FMT,
                  "my-name",
                  "abc-123"));
        }
      }
    }
    return errs;
  }

  /**
   * {@code ValidateObjectMeta}: a name or generateName that follows the kind's rule, a namespace
   * for namespaced kinds and none for cluster-scoped ones, valid labels.
   */
  static void objectMeta(
      JsonNode obj, boolean namespaced, NameRule rule, boolean isCreate, List<FieldError> errs) {
    JsonNode meta = obj.path("metadata");
    String name = meta.path("name").asString("");
    String generateName = meta.path("generateName").asString("");
    if (!generateName.isEmpty()) {
      // upstream validates generateName with the name rule in "prefix" mode (a trailing '-' is ok)
      String prefix =
          generateName.endsWith("-")
              ? generateName.substring(0, generateName.length() - 1)
              : generateName;
      for (String msg : nameProblems(rule, prefix)) {
        errs.add(FieldError.invalid("metadata.generateName", generateName, msg));
      }
    }
    if (name.isEmpty()) {
      errs.add(FieldError.required("metadata.name", "name or generateName is required"));
    } else {
      for (String msg : nameProblems(rule, name)) {
        errs.add(FieldError.invalid("metadata.name", name, msg));
      }
    }
    String ns = meta.path("namespace").asString("");
    if (namespaced) {
      if (ns.isEmpty()) {
        errs.add(FieldError.required("metadata.namespace", ""));
      } else {
        for (String msg : nameProblems(NameRule.DNS1123_LABEL, ns)) {
          errs.add(FieldError.invalid("metadata.namespace", ns, msg));
        }
      }
    } else if (!ns.isEmpty()) {
      errs.add(FieldError.forbidden("metadata.namespace", "not allowed on this type"));
    }
    labels(meta.path("labels"), "metadata.labels", errs);
    JsonNode owners = meta.path("ownerReferences");
    for (int i = 0; i < owners.size(); i++) {
      JsonNode o = owners.get(i);
      String f = "metadata.ownerReferences[" + i + "]";
      if (o.path("apiVersion").asString("").isEmpty()) {
        errs.add(FieldError.invalid(f + ".apiVersion", "", "version must not be empty"));
      }
      if (o.path("kind").asString("").isEmpty()) {
        errs.add(FieldError.invalid(f + ".kind", "", "kind must not be empty"));
      }
      if (o.path("name").asString("").isEmpty()) {
        errs.add(FieldError.invalid(f + ".name", "", "name must not be empty"));
      }
      if (o.path("uid").asString("").isEmpty()) {
        errs.add(FieldError.invalid(f + ".uid", "", "uid must not be empty"));
      }
    }
    // ValidateOwnerReferences: at most one controller
    String controllerName = "";
    for (JsonNode o : owners) {
      if (o.path("controller").asBoolean(false)) {
        if (!controllerName.isEmpty()) {
          errs.add(
              FieldError.invalid(
                  "metadata.ownerReferences",
                  owners.toString(),
                  "Only one reference can have Controller set to true. Found \"true\" in"
                      + " references for "
                      + controllerName
                      + " and "
                      + o.path("name").asString("")));
        } else {
          controllerName = o.path("name").asString("");
        }
      }
    }
  }

  /** {@code ValidateLabels}: qualified-name keys, label values. */
  static void labels(JsonNode labels, String field, List<FieldError> errs) {
    for (Map.Entry<String, JsonNode> e : labels.properties()) {
      String k = e.getKey();
      String name = k.contains("/") ? k.substring(k.indexOf('/') + 1) : k;
      String prefix = k.contains("/") ? k.substring(0, k.indexOf('/')) : "";
      if (name.isEmpty() || name.length() > 63 || !QUALIFIED_NAME.matcher(name).matches()) {
        errs.add(
            FieldError.invalid(
                field,
                k,
                regexError(
                    "name part must consist of alphanumeric characters, '-', '_' or '.', and"
                        + " must start and end with an alphanumeric character",
                    QUALIFIED_NAME_FMT,
                    "MyName",
                    "my.name",
                    "123-abc")));
      } else if (k.contains("/") && !DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
        errs.add(
            FieldError.invalid(
                field,
                k,
                "prefix part " + nameProblems(NameRule.DNS1123_SUBDOMAIN, prefix).get(0)));
      }
      String v = e.getValue().asString("");
      if (v.length() > 63) {
        errs.add(FieldError.invalid(field, v, maxLenError(63)));
      } else if (!LABEL_VALUE.matcher(v).matches()) {
        errs.add(
            FieldError.invalid(
                field,
                v,
                regexError(
                    "a valid label must be an empty string or consist of alphanumeric characters,"
                        + " '-', '_' or '.', and must start and end with an alphanumeric"
                        + " character",
                    LABEL_VALUE_FMT,
                    "MyValue",
                    "my_value",
                    "12345")));
      }
    }
  }

  /** {@code ValidatePodSpec}, the parts the chapters' pods exercise. */
  static void podSpec(JsonNode spec, String path, List<FieldError> errs) {
    JsonNode containers = spec.path("containers");
    if (containers.size() == 0) {
      errs.add(FieldError.required(path + ".containers", ""));
    }
    Set<String> names = new HashSet<>();
    containers(spec.path("initContainers"), path + ".initContainers", names, errs);
    containers(containers, path + ".containers", names, errs);
    String restart = spec.path("restartPolicy").asString("");
    if (!List.of("Always", "OnFailure", "Never").contains(restart)) {
      if (restart.isEmpty()) {
        errs.add(FieldError.required(path + ".restartPolicy", ""));
      } else {
        errs.add(
            FieldError.notSupported(
                path + ".restartPolicy", restart, List.of("Always", "OnFailure", "Never")));
      }
    }
    String dns = spec.path("dnsPolicy").asString("");
    List<String> dnsPolicies =
        List.of("ClusterFirstWithHostNet", "ClusterFirst", "Default", "None");
    if (!dnsPolicies.contains(dns)) {
      errs.add(FieldError.notSupported(path + ".dnsPolicy", dns, dnsPolicies));
    }
    JsonNode grace = spec.path("terminationGracePeriodSeconds");
    if (grace.isNumber() && grace.asLong() < 0) {
      errs.add(
          FieldError.invalid(
              path + ".terminationGracePeriodSeconds",
              grace.asLong(),
              "must be greater than or equal to 0"));
    }
    String nodeName = spec.path("nodeName").asString("");
    if (!nodeName.isEmpty()) {
      for (String msg : nameProblems(NameRule.DNS1123_SUBDOMAIN, nodeName)) {
        errs.add(FieldError.invalid(path + ".nodeName", nodeName, msg));
      }
    }
  }

  private static void containers(
      JsonNode list, String path, Set<String> names, List<FieldError> errs) {
    for (int i = 0; i < list.size(); i++) {
      JsonNode c = list.get(i);
      String f = path + "[" + i + "]";
      String name = c.path("name").asString("");
      if (name.isEmpty()) {
        errs.add(FieldError.required(f + ".name", ""));
      } else {
        for (String msg : nameProblems(NameRule.DNS1123_LABEL, name)) {
          errs.add(FieldError.invalid(f + ".name", name, msg));
        }
        if (!names.add(name)) {
          errs.add(FieldError.duplicate(f + ".name", name));
        }
      }
      if (c.path("image").asString("").isEmpty()) {
        errs.add(FieldError.required(f + ".image", ""));
      }
      JsonNode ports = c.path("ports");
      for (int p = 0; p < ports.size(); p++) {
        long port = ports.get(p).path("containerPort").asLong(0);
        if (port < 1 || port > 65535) {
          errs.add(
              FieldError.invalid(
                  f + ".ports[" + p + "].containerPort",
                  port,
                  "must be between 1 and 65535, inclusive"));
        }
      }
    }
  }

  /** {@code ValidateLabelSelector} plus the requirement that the template matches it. */
  static void selectorMatchesTemplate(
      JsonNode spec, String path, boolean required, List<FieldError> errs) {
    JsonNode selector = spec.path("selector");
    if (selector.isMissingNode() || selector.isNull()) {
      if (required) {
        errs.add(FieldError.required(path + ".selector", ""));
      }
      return;
    }
    JsonNode ml = selector.path("matchLabels");
    JsonNode me = selector.path("matchExpressions");
    if (ml.size() == 0 && me.size() == 0) {
      errs.add(
          FieldError.invalid(
              path + ".selector", selector.toString(), "empty selector is invalid for deployment"));
      return;
    }
    labels(ml, path + ".selector.matchLabels", errs);
    JsonNode tl = spec.path("template").path("metadata").path("labels");
    for (Map.Entry<String, JsonNode> e : ml.properties()) {
      if (!e.getValue().equals(tl.get(e.getKey()))) {
        errs.add(
            FieldError.invalid(
                path + ".template.metadata.labels",
                tl.toString(),
                "`selector` does not match template `labels`"));
        return;
      }
    }
  }

  /** {@code ValidateNonnegativeField}. */
  static void nonNegative(JsonNode v, String field, List<FieldError> errs) {
    if (v.isNumber() && v.asLong() < 0) {
      errs.add(FieldError.invalid(field, v.asLong(), "must be greater than or equal to 0"));
    }
  }

  /**
   * {@code ValidateDeploymentStrategy} and {@code ValidateRollingUpdateDeployment}: a known type;
   * for RollingUpdate, {@code maxSurge} and {@code maxUnavailable} each a non-negative integer or a
   * percentage, not both zero, and {@code maxUnavailable} at most 100 %.
   */
  static void deploymentStrategy(JsonNode strategy, String field, List<FieldError> errs) {
    String type = strategy.path("type").asString("");
    switch (type) {
      case "Recreate" -> {
        if (strategy.has("rollingUpdate") && !strategy.get("rollingUpdate").isNull()) {
          errs.add(
              FieldError.forbidden(
                  field + ".rollingUpdate",
                  "may not be specified when strategy `type` is 'Recreate'"));
        }
      }
      case "RollingUpdate" -> {
        JsonNode ru = strategy.path("rollingUpdate");
        String f = field + ".rollingUpdate";
        intOrPercent(ru.path("maxUnavailable"), f + ".maxUnavailable", errs);
        intOrPercent(ru.path("maxSurge"), f + ".maxSurge", errs);
        if (intOrPercentValue(ru.path("maxUnavailable")) == 0
            && intOrPercentValue(ru.path("maxSurge")) == 0) {
          errs.add(
              FieldError.invalid(
                  f + ".maxUnavailable",
                  ru.path("maxUnavailable").asString(""),
                  "may not be 0 when `maxSurge` is 0"));
        }
        JsonNode mu = ru.path("maxUnavailable");
        if (mu.isString() && mu.asString().matches("[0-9]+%")) {
          String digits = mu.asString().substring(0, mu.asString().length() - 1);
          if (digits.length() > 3 || Integer.parseInt(digits) > 100) {
            errs.add(
                FieldError.invalid(
                    f + ".maxUnavailable", mu.asString(), "must not be greater than 100%"));
          }
        }
      }
      default ->
          errs.add(FieldError.notSupported(field, type, List.of("Recreate", "RollingUpdate")));
    }
  }

  /** {@code ValidatePositiveIntOrPercent}. */
  private static void intOrPercent(JsonNode v, String field, List<FieldError> errs) {
    if (v.isMissingNode() || v.isNull()) {
      return;
    }
    if (v.isString()) {
      if (!v.asString().matches("[0-9]+%")) {
        errs.add(
            FieldError.invalid(
                field,
                v.asString(),
                "a valid percent string must be a numeric string followed by an ending '%' (e.g."
                    + " '1%',  or '93%', regex used for validation is '[0-9]+%')"));
      }
    } else if (v.isIntegralNumber()) {
      nonNegative(v, field, errs);
    } else {
      errs.add(
          FieldError.invalid(field, v.toString(), "must be an integer or percentage (e.g '5%')"));
    }
  }

  /**
   * {@code getIntOrPercentValue}: the number, or the percentage's number; a string that is neither
   * counts as its {@code strconv.Atoi} value, 0 when it is no number.
   */
  private static int intOrPercentValue(JsonNode v) {
    if (v.isIntegralNumber()) {
      return v.asInt();
    }
    String s = v.isString() ? v.asString() : "";
    if (s.matches("[0-9]{1,9}%")) {
      s = s.substring(0, s.length() - 1);
    }
    try {
      return Integer.parseInt(s);
    } catch (NumberFormatException e) {
      return 0;
    }
  }
}
