package io.kubelab.apimachinery.resource;

/**
 * Resource names and the rules that classify them.
 *
 * <p>Upstream: {@code k8s.io/api/core/v1} resource name constants and {@code
 * pkg/apis/core/v1/helper/helpers.go} ({@code IsExtendedResourceName}, {@code
 * IsHugePageResourceName}, {@code IsAttachableVolumeResourceName}, {@code IsScalarResourceName}).
 */
public final class ResourceNames {
  public static final String CPU = "cpu";
  public static final String MEMORY = "memory";
  public static final String EPHEMERAL_STORAGE = "ephemeral-storage";
  public static final String PODS = "pods";
  public static final String HUGEPAGES_PREFIX = "hugepages-";
  public static final String ATTACHABLE_VOLUMES_PREFIX = "attachable-volumes-";

  /** Resources in this namespace are native, not extended ({@code kubernetes.io/...}). */
  public static final String DEFAULT_NAMESPACE_PREFIX = "kubernetes.io/";

  /** Requests of these are quotas, not node resources ({@code requests.*}). */
  public static final String QUOTA_REQUESTS_PREFIX = "requests.";

  private ResourceNames() {}

  /** True for names in the native {@code kubernetes.io/} namespace or without a domain. */
  public static boolean isNativeResource(String name) {
    return !name.contains("/") || name.contains(DEFAULT_NAMESPACE_PREFIX);
  }

  /**
   * An extended resource: domain-qualified, not native, not a quota name (e.g. {@code
   * nvidia.com/gpu}).
   */
  public static boolean isExtendedResourceName(String name) {
    if (isNativeResource(name) || name.startsWith(QUOTA_REQUESTS_PREFIX)) {
      return false;
    }
    // A quota can name it as "requests.<name>" only if that is a qualified name.
    return isQualifiedName(QUOTA_REQUESTS_PREFIX + name);
  }

  /**
   * {@code IsQualifiedName} of {@code k8s.io/apimachinery/pkg/util/validation}: an optional DNS
   * subdomain prefix (at most 253 characters) and a slash, then a name of at most 63 alphanumerics,
   * {@code -}, {@code _} and {@code .}, starting and ending alphanumeric. Written as loops rather
   * than upstream's regular expressions: it runs for every extended resource of every pod.
   */
  static boolean isQualifiedName(String value) {
    int slash = value.indexOf('/');
    if (slash < 0) {
      return isQualifiedNamePart(value, 0, value.length());
    }
    if (value.indexOf('/', slash + 1) >= 0) {
      return false;
    }
    return isDns1123Subdomain(value, 0, slash)
        && isQualifiedNamePart(value, slash + 1, value.length());
  }

  /** {@code [a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*}, at most 253. */
  private static boolean isDns1123Subdomain(String s, int from, int to) {
    if (to - from < 1 || to - from > 253) {
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
  private static boolean isQualifiedNamePart(String s, int from, int to) {
    if (to - from < 1 || to - from > 63) {
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

  public static boolean isHugePageResourceName(String name) {
    return name.startsWith(HUGEPAGES_PREFIX);
  }

  public static boolean isAttachableVolumeResourceName(String name) {
    return name.startsWith(ATTACHABLE_VOLUMES_PREFIX);
  }

  /** Scalar resources are tracked in the resource vector's map: extended, hugepages, volumes. */
  public static boolean isScalarResourceName(String name) {
    return isExtendedResourceName(name)
        || isHugePageResourceName(name)
        || isPrefixedNativeResource(name)
        || isAttachableVolumeResourceName(name);
  }

  /** A native resource with a {@code kubernetes.io/} prefix, e.g. {@code kubernetes.io/foo}. */
  public static boolean isPrefixedNativeResource(String name) {
    return name.contains(DEFAULT_NAMESPACE_PREFIX);
  }
}
