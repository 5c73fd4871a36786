package io.kubelab.cluster.apiserver;

/**
 * A resource qualified by its API group, printed as upstream's {@code schema.GroupResource}: {@code
 * pods}, {@code replicasets.apps}.
 */
record GroupResource(String group, String resource) {
  @Override
  public String toString() {
    return group.isEmpty() ? resource : resource + "." + group;
  }
}
