package io.kubelab.apimachinery.resource;

import io.kubelab.apimachinery.validation.Validation;

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
    return Validation.qualifiedName(QUOTA_REQUESTS_PREFIX + name);
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
