package io.kubelab.apimachinery.resource;

import java.util.regex.Pattern;

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

  private static final Pattern DNS1123_SUBDOMAIN =
      Pattern.compile("[a-z0-9]([-a-z0-9]*[a-z0-9])?(\\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*");
  private static final Pattern QUALIFIED_NAME_PART =
      Pattern.compile("([A-Za-z0-9][-A-Za-z0-9_.]*)?[A-Za-z0-9]");

  /**
   * {@code IsQualifiedName} of {@code k8s.io/apimachinery/pkg/util/validation}: an optional DNS
   * subdomain prefix (at most 253 characters) and a slash, then a name of at most 63 alphanumerics,
   * {@code -}, {@code _} and {@code .}, starting and ending alphanumeric.
   */
  static boolean isQualifiedName(String value) {
    String[] parts = value.split("/", -1);
    String name;
    if (parts.length == 1) {
      name = parts[0];
    } else if (parts.length == 2) {
      String prefix = parts[0];
      if (prefix.isEmpty()
          || prefix.length() > 253
          || !DNS1123_SUBDOMAIN.matcher(prefix).matches()) {
        return false;
      }
      name = parts[1];
    } else {
      return false;
    }
    return !name.isEmpty() && name.length() <= 63 && QUALIFIED_NAME_PART.matcher(name).matches();
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
