package io.kubelab.scheduler.preemption;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.Victims;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;

/**
 * A straightforward statement of the node choice, to check {@code pickOneNodeForPreemption}
 * against: compute the six criteria of each candidate as a tuple, sort, take the first. It shares
 * no code with the preemption package.
 */
public final class PickOneReference {

  private PickOneReference() {}

  record Key(
      int index,
      boolean needsVictims,
      long pdbViolations,
      int firstVictimPriority,
      long shiftedSum,
      int count,
      Instant earliestTopStart) {}

  static int priority(Pod p) {
    Integer v = p.getSpec() == null ? null : p.getSpec().getPriority();
    return v == null ? 0 : v;
  }

  static Instant start(Pod p, Instant now) {
    String s = p.getStatus() == null ? null : p.getStatus().getStartTime();
    return s == null || s.isEmpty() ? now : Instant.parse(s);
  }

  /** The node to preempt on, or null when there is no candidate. */
  public static String pick(Map<String, Victims> candidates, Instant now) {
    List<String> names = new ArrayList<>(candidates.keySet());
    List<Key> keys = new ArrayList<>();
    for (int i = 0; i < names.size(); i++) {
      List<Pod> pods = candidates.get(names.get(i)).pods();
      if (pods.isEmpty()) {
        keys.add(new Key(i, false, 0, 0, 0, 0, now));
        continue;
      }
      long sum = 0;
      int top = Integer.MIN_VALUE;
      for (Pod p : pods) {
        sum += priority(p) + 2147483648L;
        top = Math.max(top, priority(p));
      }
      Instant earliest = null;
      for (Pod p : pods) {
        if (priority(p) == top && (earliest == null || start(p, now).isBefore(earliest))) {
          earliest = start(p, now);
        }
      }
      keys.add(
          new Key(
              i,
              true,
              candidates.get(names.get(i)).numPDBViolations(),
              priority(pods.get(0)),
              sum,
              pods.size(),
              earliest));
    }
    return keys.stream()
        .sorted(
            Comparator.comparing(Key::needsVictims)
                .thenComparingLong(Key::pdbViolations)
                .thenComparingInt(Key::firstVictimPriority)
                .thenComparingLong(Key::shiftedSum)
                .thenComparingInt(Key::count)
                .thenComparing(Key::earliestTopStart, Comparator.reverseOrder())
                .thenComparingInt(Key::index))
        .map(k -> names.get(k.index()))
        .findFirst()
        .orElse(null);
  }
}
