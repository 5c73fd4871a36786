package io.kubelab.scheduler.predicates;

/**
 * One topology domain: a node label key and its value, e.g. {@code zone=zone-a}.
 *
 * <p>Upstream: {@code topologyPair} in {@code pkg/scheduler/algorithm/predicates/metadata.go}
 * (v1.17). Nodes that carry the same pair are in the same domain for affinity and spreading.
 *
 * @param key the label key (the term's or constraint's {@code topologyKey})
 * @param value the node's value for that key
 */
public record TopologyPair(String key, String value) {
  @Override
  public String toString() {
    return key + "=" + value;
  }
}
