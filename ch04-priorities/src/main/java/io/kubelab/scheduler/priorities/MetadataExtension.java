package io.kubelab.scheduler.priorities;

import io.kubelab.scheduler.algorithm.AlgorithmFactoryArgs;
import java.util.Objects;
import java.util.function.Function;

/**
 * Registers a {@link MetadataPart} with the metadata factory: a name, the type of its value (for a
 * checked read through {@link PodPriorityMetadata#part}), and how to build the part from the
 * factory args (its listers, its weights). The extension object is also the key its value is read
 * back with, so a chapter keeps it in a constant.
 *
 * <p>Upstream has no such type: its {@code priorityMetadata} struct simply has a field per part.
 * Chapter 05 comes after this one and cannot add fields to our record, so it adds extensions.
 *
 * @param name for errors and {@code toString}, e.g. {@code podSelector}
 * @param type the class of the part's value
 * @param factory builds the part for one scheduler
 * @param <T> the part's value
 */
public record MetadataExtension<T>(
    String name, Class<T> type, Function<AlgorithmFactoryArgs, MetadataPart<T>> factory) {

  public MetadataExtension {
    Objects.requireNonNull(name, "name");
    Objects.requireNonNull(type, "type");
    Objects.requireNonNull(factory, "factory");
  }

  // Identity, not value equality: two extensions with the same name are still two keys.
  @Override
  public boolean equals(Object o) {
    return this == o;
  }

  @Override
  public int hashCode() {
    return System.identityHashCode(this);
  }
}
