package io.kubelab.kubelet.eviction;

import static org.assertj.core.api.Assertions.assertThat;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.kubelet.stats.Summary;
import io.kubelab.kubelet.types.PodUpdateTypes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.quicktheories.core.Gen;

/**
 * The eviction manager against a small reference: a hard and a soft memory threshold (each with a
 * minimum reclaim), random memory samples and clock steps, one pass per step. After every pass the
 * node's pressure and the evicted pod (and its grace period) must match; never more than one.
 */
class EvictionModelTest {

  private static final long MI = 1L << 20;

  /** A pod: memory request and working set in MiB, priority, critical or not. */
  record P(int requestMi, int usageMi, int priority, boolean critical) {}

  /** A step: seconds to advance, then the node's available memory in MiB. */
  record Step(int seconds, int availableMi) {}

  /** The thresholds: hard H with min reclaim RH, soft S (grace G s) with min reclaim RS. */
  record Config(int hardMi, int hardReclaimMi, int softMi, int softReclaimMi, int graceSeconds) {}

  private static final Gen<P> PODS =
      integers()
          .between(0, 4)
          .zip(
              integers().between(0, 6),
              integers().between(-1, 1),
              integers().between(0, 5),
              (r, u, prio, c) -> new P(r * 100, u * 100, prio, c == 0));
  private static final Gen<Step> STEPS =
      integers().between(0, 400).zip(integers().between(0, 40), (s, a) -> new Step(s, a * 100));
  private static final Gen<Config> CONFIGS =
      integers()
          .between(5, 15)
          .zip(
              integers().between(0, 10),
              integers().between(10, 30),
              integers().between(0, 10),
              integers().between(0, 300),
              (h, rh, s, rs, g) -> new Config(h * 100, rh * 100, s * 100, rs * 100, g));

  /** A threshold in the reference: its level, its min reclaim, its grace period. */
  record T(String name, long level, long reclaim, long grace) {}

  static final class Reference {
    final List<T> thresholds;
    List<T> prevMet = List.of();
    Map<T, Long> first = new LinkedHashMap<>();
    Long lastSeen;
    final long transition = 300;

    Reference(Config c) {
      thresholds =
          List.of(
              new T("hard", c.hardMi() * MI, c.hardReclaimMi() * MI, 0),
              new T("soft", c.softMi() * MI, c.softReclaimMi() * MI, c.graceSeconds()));
    }

    /** One pass at time {@code now}; returns the threshold to reclaim for, or null. */
    T pass(long now, long available) {
      List<T> met = new ArrayList<>();
      for (T t : thresholds) {
        if (t.level() > available) {
          met.add(t);
        }
      }
      for (T t : prevMet) {
        if (t.level() + t.reclaim() > available && !met.contains(t)) {
          met.add(t);
        }
      }
      Map<T, Long> nextFirst = new LinkedHashMap<>();
      for (T t : met) {
        nextFirst.put(t, first.getOrDefault(t, now));
      }
      if (!met.isEmpty()) {
        lastSeen = now;
      }
      List<T> graceMet = new ArrayList<>();
      nextFirst.forEach(
          (t, at) -> {
            if (now - at >= t.grace()) {
              graceMet.add(t);
            }
          });
      first = nextFirst;
      prevMet = graceMet;
      return graceMet.isEmpty() ? null : graceMet.get(0);
    }

    boolean pressure(long now) {
      return lastSeen != null && now - lastSeen < transition;
    }
  }

  /** Who the reference evicts: exceeding its request, then lower priority, then most above it. */
  static Integer victim(List<P> pods) {
    List<Integer> order = new ArrayList<>();
    for (int i = 0; i < pods.size(); i++) {
      order.add(i);
    }
    order.sort(
        Comparator.comparing((Integer i) -> !(pods.get(i).usageMi() > pods.get(i).requestMi()))
            .thenComparingInt(i -> pods.get(i).priority())
            .thenComparing(i -> -(pods.get(i).usageMi() - pods.get(i).requestMi())));
    for (int i : order) {
      if (!pods.get(i).critical()) {
        return i;
      }
    }
    return null;
  }

  @Test
  void pressureAndEvictionsMatchTheReferenceAtEveryStep() {
    qt().withFixedSeed(2018L)
        .withExamples(300)
        .forAll(
            CONFIGS, lists().of(PODS).ofSizeBetween(1, 6), lists().of(STEPS).ofSizeBetween(1, 30))
        .checkAssert(
            (config, ps, steps) -> {
              FakeClock clock = new FakeClock();
              List<Pod> pods = new ArrayList<>();
              List<Summary.PodStats> stats = new ArrayList<>();
              for (int i = 0; i < ps.size(); i++) {
                P p = ps.get(i);
                Fixtures.PodFixture f =
                    Fixtures.pod("p" + i)
                        .uid("p" + i)
                        .priority(
                            p.critical() ? PodUpdateTypes.SYSTEM_CRITICAL_PRIORITY : p.priority())
                        .container("c" + i);
                if (p.requestMi() > 0) {
                  f.request("memory", p.requestMi() + "Mi");
                }
                Pod pod = f.build();
                pods.add(pod);
                stats.add(EvictionFixtures.memoryStats(pod, p.usageMi() + "Mi"));
              }
              // Critical pods rank by priority like the rest; the reference sees their real one.
              List<P> rankedAs = new ArrayList<>();
              for (P p : ps) {
                rankedAs.add(
                    p.critical()
                        ? new P(
                            p.requestMi(),
                            p.usageMi(),
                            PodUpdateTypes.SYSTEM_CRITICAL_PRIORITY,
                            true)
                        : p);
              }
              EvictionFixtures.ScriptedSummary summary = new EvictionFixtures.ScriptedSummary();
              EvictionFixtures.RecordingKiller killer = new EvictionFixtures.RecordingKiller();
              List<Threshold> thresholds =
                  List.of(
                      threshold(config.hardMi(), config.hardReclaimMi(), 0),
                      threshold(config.softMi(), config.softReclaimMi(), config.graceSeconds()));
              EvictionManager m =
                  new EvictionManager(
                      "n",
                      new EvictionConfig(
                          thresholds, Duration.ofMinutes(5), 7, Duration.ofSeconds(10)),
                      summary,
                      killer,
                      () -> {},
                      () -> {},
                      e -> {},
                      clock);
              Reference ref = new Reference(config);
              long now = 0;
              for (Step step : steps) {
                clock.step(Duration.ofSeconds(step.seconds()));
                now += step.seconds();
                summary.result = EvictionFixtures.memorySummary(step.availableMi() + "Mi", stats);
                killer.reset();
                EvictionManager.Evicted evicted = m.synchronize(() -> false, () -> pods);
                T reclaim = ref.pass(now, step.availableMi() * MI);
                String at = config + " " + ps + " " + steps + " at " + now + " s";
                assertThat(m.isUnderMemoryPressure())
                    .as("pressure, %s", at)
                    .isEqualTo(ref.pressure(now));
                assertThat(evicted.pods()).as("one pass, %s", at).hasSizeLessThanOrEqualTo(1);
                Integer expected = reclaim == null ? null : victim(rankedAs);
                assertThat(
                        evicted.pods().isEmpty()
                            ? null
                            : evicted.pods().get(0).getMetadata().getName())
                    .as("evicted, %s", at)
                    .isEqualTo(expected == null ? null : "p" + expected);
                if (expected != null) {
                  assertThat(killer.gracePeriod)
                      .as("grace, %s", at)
                      .isEqualTo(reclaim.grace() == 0 ? 0L : 7L);
                }
              }
            });
  }

  private static Threshold threshold(int mi, int reclaimMi, int graceSeconds) {
    return new Threshold(
        Signal.MEMORY_AVAILABLE,
        "LessThan",
        ThresholdValue.quantity(mi * MI, mi + "Mi"),
        Duration.ofSeconds(graceSeconds),
        ThresholdValue.quantity(reclaimMi * MI, reclaimMi + "Mi"));
  }
}
