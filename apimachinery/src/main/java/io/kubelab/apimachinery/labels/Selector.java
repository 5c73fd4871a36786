package io.kubelab.apimachinery.labels;

import java.util.List;
import java.util.Map;

/**
 * A compiled label selector: a conjunction of requirements over a label set.
 *
 * <p>Upstream: {@code k8s.io/apimachinery/pkg/labels/selector.go} ({@code internalSelector}, {@code
 * Everything()}, {@code Nothing()}). Compile once with {@link LabelSelectors#compile}; {@link
 * #matches(Map)} does no parsing.
 */
public final class Selector {

  /** Matches every label set, the selector of an empty {@code LabelSelector}. */
  public static final Selector EVERYTHING = new Selector(List.of(), false);

  /** Matches no label set, the selector of a nil {@code LabelSelector}. */
  public static final Selector NOTHING = new Selector(List.of(), true);

  private final List<Requirement> requirements;
  private final boolean nothing;

  Selector(List<Requirement> requirements, boolean nothing) {
    this.requirements = List.copyOf(requirements);
    this.nothing = nothing;
  }

  /** True when every requirement holds for {@code labels} (null means no labels). */
  public boolean matches(Map<String, String> labels) {
    if (nothing) {
      return false;
    }
    Map<String, String> l = labels == null ? Map.of() : labels;
    for (Requirement r : requirements) {
      if (!r.matches(l)) {
        return false;
      }
    }
    return true;
  }

  /** True for {@link #EVERYTHING} and any selector without requirements. */
  public boolean isEmpty() {
    return !nothing && requirements.isEmpty();
  }

  public List<Requirement> requirements() {
    return requirements;
  }

  @Override
  public String toString() {
    if (nothing) {
      return "<nothing>";
    }
    if (requirements.isEmpty()) {
      return "<everything>";
    }
    StringBuilder sb = new StringBuilder();
    for (Requirement r : requirements) {
      if (sb.length() > 0) {
        sb.append(',');
      }
      sb.append(r);
    }
    return sb.toString();
  }
}
