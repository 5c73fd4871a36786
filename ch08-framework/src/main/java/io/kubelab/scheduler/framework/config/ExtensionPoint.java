package io.kubelab.scheduler.framework.config;

import java.util.List;

/**
 * The extension points of the v1.18 framework, with their configuration field names and the names
 * of upstream's plugin interfaces (which appear in upstream's error messages: {@code FilterPlugin
 * "Foo" does not exist}).
 *
 * <p>Upstream: the fields of {@code Plugins} in {@code pkg/scheduler/apis/config/types.go} and
 * {@code getExtensionPoints} in {@code pkg/scheduler/framework/v1alpha1/framework.go} (v1.18). The
 * constants are in the order of one scheduling cycle and one binding cycle; {@link
 * #FRAMEWORK_ORDER} is the order {@code NewFramework} walks them in, which decides which error is
 * reported first and which entry's weight wins when one plugin is enabled at several points.
 */
public enum ExtensionPoint {
  QUEUE_SORT("queueSort", "QueueSortPlugin"),
  PRE_FILTER("preFilter", "PreFilterPlugin"),
  FILTER("filter", "FilterPlugin"),
  PRE_SCORE("preScore", "PreScorePlugin"),
  SCORE("score", "ScorePlugin"),
  RESERVE("reserve", "ReservePlugin"),
  PERMIT("permit", "PermitPlugin"),
  PRE_BIND("preBind", "PreBindPlugin"),
  BIND("bind", "BindPlugin"),
  POST_BIND("postBind", "PostBindPlugin"),
  UNRESERVE("unreserve", "UnreservePlugin");

  /** {@code getExtensionPoints}' order. */
  public static final List<ExtensionPoint> FRAMEWORK_ORDER =
      List.of(
          PRE_FILTER,
          FILTER,
          RESERVE,
          PRE_SCORE,
          SCORE,
          PRE_BIND,
          BIND,
          POST_BIND,
          UNRESERVE,
          PERMIT,
          QUEUE_SORT);

  private final String field;
  private final String interfaceName;

  ExtensionPoint(String field, String interfaceName) {
    this.field = field;
    this.interfaceName = interfaceName;
  }

  /** The field name in a configuration file, e.g. {@code preFilter}. */
  public String field() {
    return field;
  }

  /** Upstream's interface name, e.g. {@code PreFilterPlugin}. */
  public String interfaceName() {
    return interfaceName;
  }
}
