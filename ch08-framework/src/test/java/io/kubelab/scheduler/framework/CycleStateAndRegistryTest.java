package io.kubelab.scheduler.framework;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@code CycleState} ({@code cycle_state.go}) and {@code Registry} ({@code registry.go}), v1.18.
 */
class CycleStateAndRegistryTest {

  record Counter(int n) implements StateData {
    @Override
    public StateData clone() {
      return new Counter(n);
    }
  }

  @Test
  void aReadOfAnAbsentKeyIsNotFound() {
    CycleState s = new CycleState();
    s.write("k", new Counter(1));
    assertThat(s.read("k")).isEqualTo(new Counter(1));
    s.delete("k");
    assertThatThrownBy(() -> s.read("k"))
        .isInstanceOf(CycleState.NotFoundException.class)
        .hasMessage("not found");
  }

  private static final String[] KEYS = {
    "PreFilterNodeResourcesFit", "PreFilterNodePorts", "PreFilterInterPodAffinity",
    "PreFilterPodTopologySpread", "PreScoreInterPodAffinity", "PreScoreTaintToleration",
    "PreScoreNodeAffinity", "PreScorePodTopologySpread", "PreFilterServiceAffinity",
    "PreFilterNodeLabel", "PreScoreDefaultPodTopologySpread", "PreFilterVolumeBinding"
  };

  @Test
  void writesReadsDeletesAndClonesAgreeWithAMapModel() {
    long seed = 0x5747EL;
    java.util.Random random = new java.util.Random(seed);
    java.util.List<CycleState> states = new java.util.ArrayList<>();
    java.util.List<java.util.Map<String, Counter>> models = new java.util.ArrayList<>();
    states.add(new CycleState());
    models.add(new java.util.HashMap<>());
    for (int step = 0; step < 5000; step++) {
      int at = random.nextInt(states.size());
      CycleState state = states.get(at);
      java.util.Map<String, Counter> model = models.get(at);
      // The constants themselves, and keys equal to them but not the same objects: both must
      // find the same entries.
      String constant = KEYS[random.nextInt(KEYS.length)];
      String key = random.nextBoolean() ? constant : new String(constant);
      String where = "seed " + seed + ", step " + step + ", state " + at + ", " + key;
      switch (random.nextInt(5)) {
        case 0, 1 -> {
          // Now and then a null, which reads as absent, as upstream's nil does.
          Counter c = random.nextInt(10) == 0 ? null : new Counter(step);
          state.write(key, c);
          model.put(key, c);
        }
        case 2 -> {
          state.delete(key);
          model.remove(key);
        }
        case 3 -> {
          // At most eight states: past that a clone takes the place of a random one.
          int into = states.size() < 8 ? states.size() : random.nextInt(8);
          if (into == states.size()) {
            states.add(null);
            models.add(null);
          }
          states.set(into, state.clone());
          models.set(into, new java.util.HashMap<>(model));
        }
        default -> {
          // read below
        }
      }
      for (int k = 0; k < KEYS.length; k++) {
        String name = k % 2 == 0 ? KEYS[k] : new String(KEYS[k]);
        if (model.get(name) != null) {
          assertThat(state.read(name)).as(where).isEqualTo(model.get(name));
        } else {
          assertThatThrownBy(() -> state.read(name))
              .as(where)
              .isInstanceOf(CycleState.NotFoundException.class);
        }
      }
    }
  }

  @Test
  void aCloneHasClonedDataTheMetricsFlagAndTheRecorder() {
    CycleState s = new CycleState();
    assertThat(s.shouldRecordPluginMetrics()).isFalse();
    CycleRecorder rec = new CycleRecorder() {};
    s.setRecorder(rec);
    s.setRecordPluginMetrics(true);
    for (int i = 0; i < 20; i++) {
      s.write("k" + i, new Counter(i));
    }

    CycleState c = s.clone();
    s.delete("k3");

    assertThat(c.shouldRecordPluginMetrics()).isTrue();
    assertThat(c.recorder()).isSameAs(rec);
    assertThat(c.read("k3")).isEqualTo(new Counter(3));
    assertThat(c.read("k19")).isEqualTo(new Counter(19));
    assertThat(s.cloneWithoutRecorder().recorder()).isNull();
    assertThat(s.cloneWithoutRecorder().shouldRecordPluginMetrics()).isTrue();
  }

  @Test
  void theWriteLockExcludesReadersOnOtherThreads() throws Exception {
    CycleState s = new CycleState();
    ExecutorService other = Executors.newSingleThreadExecutor();
    try {
      s.writeLock().lock();
      try {
        assertThat(other.submit(() -> s.readLock().tryLock()).get(10, TimeUnit.SECONDS)).isFalse();
      } finally {
        s.writeLock().unlock();
      }
      assertThat(
              other
                  .submit(
                      () -> {
                        boolean got = s.readLock().tryLock();
                        if (got) {
                          s.readLock().unlock();
                        }
                        return got;
                      })
                  .get(10, TimeUnit.SECONDS))
          .isTrue();
    } finally {
      other.shutdownNow();
    }
  }

  // ---------------------------------------------------------------------------------------------
  // Registry

  @Test
  void aNameRegisteredTwiceIsRejected() {
    Registry r = new Registry().register("a", (args, h) -> null);
    assertThatThrownBy(() -> r.register("a", (args, h) -> null))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("a plugin named a already exists");
  }

  @Test
  void unregisterRemovesAKnownNameAndRejectsAnUnknownOne() {
    Registry r = new Registry().register("a", (args, h) -> null).register("b", (args, h) -> null);
    assertThat(r.unregister("a")).isSameAs(r);
    assertThat(r.names()).containsExactly("b");
    assertThat(r.factory("a")).isNull();
    assertThatThrownBy(() -> r.unregister("a"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("no plugin named a exists");
  }

  @Test
  void mergeAddsEveryPluginAndStopsAtANameAlreadyThere() {
    PluginFactory fc = (args, h) -> null;
    Registry in = new Registry().register("c", fc).register("d", fc);
    Registry r = new Registry().register("a", fc);

    assertThat(r.merge(in)).isSameAs(r);
    assertThat(r.names()).containsExactly("a", "c", "d");
    assertThat(r.factory("c")).isSameAs(fc);
    assertThatThrownBy(() -> new Registry().register("d", fc).merge(in))
        .hasMessage("a plugin named d already exists");
  }
}
