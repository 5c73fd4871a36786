package io.kubelab.scheduler.framework.plugins;

import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.StatusException;

/**
 * Reads a plugin's own data back from the cycle state, failing the way upstream's {@code
 * getPreFilterState} helpers do: {@code error reading "KEY" from cycleState: not found} when the
 * plugin's PreFilter (or PreScore) did not run, and {@code ... convert to ...} when another plugin
 * stored something else under the key.
 */
final class States {

  private States() {}

  static <T extends StateData> T read(CycleState state, String key, Class<T> type) {
    StateData d;
    try {
      d = state.read(key);
    } catch (CycleState.NotFoundException e) {
      throw new StatusException(
          Status.error("error reading \"" + key + "\" from cycleState: " + e.getMessage()));
    }
    if (!type.isInstance(d)) {
      throw new StatusException(Status.error(d + " convert to " + type.getSimpleName() + " error"));
    }
    return type.cast(d);
  }

  /**
   * The data under {@code key} if it is a {@code type}, else null (nothing stored, or something
   * else): for a plugin's promises, which make none without their own state, leaving it to Filter
   * or Score to report the error.
   */
  static <T extends StateData> T readOrNull(CycleState state, String key, Class<T> type) {
    StateData d;
    try {
      d = state.read(key);
    } catch (CycleState.NotFoundException e) {
      return null;
    }
    return type.isInstance(d) ? type.cast(d) : null;
  }
}
