package io.kubelab.apimachinery.validation;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The name and label rules of the API machinery, with upstream's messages.
 *
 * <p>Upstream: {@code IsQualifiedName}, {@code IsValidLabelValue} and {@code IsDNS1123Subdomain} in
 * {@code k8s.io/apimachinery/pkg/util/validation/validation.go}, and {@code ValidateLabels} in
 * {@code k8s.io/apimachinery/pkg/apis/meta/v1/validation}. Each check returns the list of problems,
 * empty when the value is valid. The common case, a valid value, is decided by loops before any
 * regular expression runs: these checks sit on paths that run for every pod and every node.
 */
public final class Validation {

  private static final String QUALIFIED_NAME_FMT = "([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]";
  private static final String QUALIFIED_NAME_ERR_MSG =
      "must consist of alphanumeric characters, '-', '_' or '.', and must start and end with an"
          + " alphanumeric character";
  private static final int QUALIFIED_NAME_MAX_LENGTH = 63;
  private static final Pattern QUALIFIED_NAME = Pattern.compile(QUALIFIED_NAME_FMT);

  private static final String LABEL_VALUE_FMT = "(" + QUALIFIED_NAME_FMT + ")?";
  private static final String LABEL_VALUE_ERR_MSG =
      "a valid label must be an empty string or consist of alphanumeric characters, '-', '_' or"
          + " '.', and must start and end with an alphanumeric character";

  /** {@code LabelValueMaxLength}. */
  public static final int LABEL_VALUE_MAX_LENGTH = 63;

  private static final Pattern LABEL_VALUE = Pattern.compile(LABEL_VALUE_FMT);

  private static final String DNS1123_LABEL_FMT = "[a-z0-9]([-a-z0-9]*[a-z0-9])?";
  private static final String DNS1123_SUBDOMAIN_FMT =
      DNS1123_LABEL_FMT + "(\\." + DNS1123_LABEL_FMT + ")*";
  private static final String DNS1123_SUBDOMAIN_ERR_MSG =
      "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or"
          + " '.', and must start and end with an alphanumeric character";

  /** {@code DNS1123SubdomainMaxLength}. */
  public static final int DNS1123_SUBDOMAIN_MAX_LENGTH = 253;

  private static final Pattern DNS1123_SUBDOMAIN = Pattern.compile(DNS1123_SUBDOMAIN_FMT);

  private Validation() {}

  /**
   * {@code IsQualifiedName}: an optional DNS-subdomain prefix and a slash, then a name of at most
   * 63 alphanumerics, {@code -}, {@code _} and {@code .}, starting and ending alphanumeric.
   */
  public static List<String> isQualifiedName(String value) {
    if (qualifiedName(value)) {
      return List.of();
    }
    List<String> errs = new ArrayList<>();
    String[] parts = value.split("/", -1);
    String name;
    switch (parts.length) {
      case 1 -> name = parts[0];
      case 2 -> {
        String prefix = parts[0];
        name = parts[1];
        if (prefix.isEmpty()) {
          errs.add("prefix part " + emptyError());
        } else {
          for (String msg : isDns1123Subdomain(prefix)) {
            errs.add("prefix part " + msg);
          }
        }
      }
      default -> {
        errs.add(
            "a qualified name "
                + regexError(
                    QUALIFIED_NAME_ERR_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc")
                + " with an optional DNS subdomain prefix and '/' (e.g. 'example.com/MyName')");
        return errs;
      }
    }
    if (name.isEmpty()) {
      errs.add("name part " + emptyError());
    } else if (name.length() > QUALIFIED_NAME_MAX_LENGTH) {
      errs.add("name part " + maxLenError(QUALIFIED_NAME_MAX_LENGTH));
    }
    if (!QUALIFIED_NAME.matcher(name).matches()) {
      errs.add(
          "name part "
              + regexError(
                  QUALIFIED_NAME_ERR_MSG, QUALIFIED_NAME_FMT, "MyName", "my.name", "123-abc"));
    }
    return errs;
  }

  /** {@code IsValidLabelValue}: empty, or a qualified name part of at most 63 characters. */
  public static List<String> isValidLabelValue(String value) {
    if (value.isEmpty() || qualifiedNamePart(value, 0, value.length())) {
      return List.of();
    }
    List<String> errs = new ArrayList<>();
    if (value.length() > LABEL_VALUE_MAX_LENGTH) {
      errs.add(maxLenError(LABEL_VALUE_MAX_LENGTH));
    }
    if (!LABEL_VALUE.matcher(value).matches()) {
      errs.add(regexError(LABEL_VALUE_ERR_MSG, LABEL_VALUE_FMT, "MyValue", "my_value", "12345"));
    }
    return errs;
  }

  /** {@code IsDNS1123Subdomain}: lower-case DNS labels joined by dots, at most 253 characters. */
  public static List<String> isDns1123Subdomain(String value) {
    if (dns1123Subdomain(value, 0, value.length())) {
      return List.of();
    }
    List<String> errs = new ArrayList<>();
    if (value.length() > DNS1123_SUBDOMAIN_MAX_LENGTH) {
      errs.add(maxLenError(DNS1123_SUBDOMAIN_MAX_LENGTH));
    }
    if (!DNS1123_SUBDOMAIN.matcher(value).matches()) {
      errs.add(regexError(DNS1123_SUBDOMAIN_ERR_MSG, DNS1123_SUBDOMAIN_FMT, "example.com"));
    }
    return errs;
  }

  /**
   * {@code ValidateLabels}: every key a qualified name, every value a label value. Returns the
   * problems as {@code <field>: <value>: <message>}, in key order.
   */
  public static List<String> validateLabels(Map<String, String> labels, String field) {
    if (labels == null || labels.isEmpty()) {
      return List.of();
    }
    List<String> errs = new ArrayList<>();
    for (Map.Entry<String, String> e : new java.util.TreeMap<>(labels).entrySet()) {
      for (String msg : isQualifiedName(e.getKey())) {
        errs.add(field + ": Invalid value: \"" + e.getKey() + "\": " + msg);
      }
      String v = e.getValue() == null ? "" : e.getValue();
      for (String msg : isValidLabelValue(v)) {
        errs.add(field + ": Invalid value: \"" + v + "\": " + msg);
      }
    }
    return errs;
  }

  /** The boolean form of {@link #isQualifiedName}, without building messages. */
  public static boolean qualifiedName(String value) {
    int slash = value.indexOf('/');
    if (slash < 0) {
      return qualifiedNamePart(value, 0, value.length());
    }
    if (value.indexOf('/', slash + 1) >= 0) {
      return false;
    }
    return dns1123Subdomain(value, 0, slash) && qualifiedNamePart(value, slash + 1, value.length());
  }

  /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*}, at most 253. */
  private static boolean dns1123Subdomain(String s, int from, int to) {
    if (to - from < 1 || to - from > DNS1123_SUBDOMAIN_MAX_LENGTH) {
      return false;
    }
    int labelStart = from;
    for (int i = from; i <= to; i++) {
      if (i == to || s.charAt(i) == '.') {
        if (i == labelStart
            || !isLowerAlnum(s.charAt(labelStart))
            || !isLowerAlnum(s.charAt(i - 1))) {
          return false;
        }
        labelStart = i + 1;
      } else if (!isLowerAlnum(s.charAt(i)) && s.charAt(i) != '-') {
        return false;
      }
    }
    return true;
  }

  /** {@code ([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]}, at most 63 characters. */
  private static boolean qualifiedNamePart(String s, int from, int to) {
    if (to - from < 1 || to - from > QUALIFIED_NAME_MAX_LENGTH) {
      return false;
    }
    if (!isAlnum(s.charAt(from)) || !isAlnum(s.charAt(to - 1))) {
      return false;
    }
    for (int i = from + 1; i < to - 1; i++) {
      char c = s.charAt(i);
      if (!isAlnum(c) && c != '-' && c != '_' && c != '.') {
        return false;
      }
    }
    return true;
  }

  private static boolean isLowerAlnum(char c) {
    return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
  }

  private static boolean isAlnum(char c) {
    return isLowerAlnum(c) || (c >= 'A' && c <= 'Z');
  }

  /** {@code EmptyError}. */
  private static String emptyError() {
    return "must be non-empty";
  }

  /** {@code MaxLenError}. */
  private static String maxLenError(int length) {
    return "must be no more than " + length + " characters";
  }

  /** {@code RegexError}. */
  private static String regexError(String msg, String fmt, String... examples) {
    StringBuilder sb = new StringBuilder(msg).append(" (e.g. ");
    for (int i = 0; i < examples.length; i++) {
      if (i > 0) {
        sb.append(" or ");
      }
      sb.append('\'').append(examples[i]).append("', ");
    }
    return sb.append("regex used for validation is '").append(fmt).append("')").toString();
  }
}
