package io.kubelab.scheduler.spread;

import io.fabric8.kubernetes.api.model.Node;
import java.util.Map;

/**
 * A node's failure zone, as one string.
 *
 * <p>Upstream: {@code GetZoneKey} in {@code pkg/util/node/node.go} (v1.17). v1.17 introduced the GA
 * topology labels next to the beta ones; the beta label is read first and the GA one only when the
 * beta <em>key</em> is absent (a beta label with an empty value wins). Region and zone are joined
 * with {@code ":\0:"}, so that no region or zone containing a colon can make two zones look alike.
 * A node with neither a region nor a zone (or only empty values) has no zone: the empty string.
 */
public final class Zones {

  /** {@code v1.LabelZoneFailureDomain}. */
  public static final String LABEL_ZONE_FAILURE_DOMAIN = "failure-domain.beta.kubernetes.io/zone";

  /** {@code v1.LabelZoneRegion}. */
  public static final String LABEL_ZONE_REGION = "failure-domain.beta.kubernetes.io/region";

  /** {@code v1.LabelZoneFailureDomainStable}. */
  public static final String LABEL_ZONE_FAILURE_DOMAIN_STABLE = "topology.kubernetes.io/zone";

  /** {@code v1.LabelZoneRegionStable}. */
  public static final String LABEL_ZONE_REGION_STABLE = "topology.kubernetes.io/region";

  private Zones() {}

  /** {@code GetZoneKey}: {@code region + ":\0:" + zone}, or "" for a node without either. */
  public static String getZoneKey(Node node) {
    Map<String, String> labels = node.getMetadata() == null ? null : node.getMetadata().getLabels();
    if (labels == null) {
      return "";
    }
    String zone = labels.get(LABEL_ZONE_FAILURE_DOMAIN);
    if (zone == null && !labels.containsKey(LABEL_ZONE_FAILURE_DOMAIN)) {
      zone = labels.get(LABEL_ZONE_FAILURE_DOMAIN_STABLE);
    }
    String region = labels.get(LABEL_ZONE_REGION);
    if (region == null && !labels.containsKey(LABEL_ZONE_REGION)) {
      region = labels.get(LABEL_ZONE_REGION_STABLE);
    }
    region = region == null ? "" : region;
    zone = zone == null ? "" : zone;
    if (region.isEmpty() && zone.isEmpty()) {
      return "";
    }
    return region + ":\0:" + zone;
  }
}
