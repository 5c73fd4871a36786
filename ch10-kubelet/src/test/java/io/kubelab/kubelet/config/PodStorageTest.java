package io.kubelab.kubelet.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.quicktheories.QuickTheory.qt;
import static org.quicktheories.generators.SourceDSL.integers;
import static org.quicktheories.generators.SourceDSL.lists;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.kubelet.config.PodUpdate.Op;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * What the kubelet's sync loop receives when the API server's source sends the whole list of the
 * node's pods after every change (upstream {@code config.go}'s {@code podStorage}, incremental).
 */
class PodStorageTest {

  private static final String API = PodUpdate.API_SOURCE;
  private static final Instant T0 = Instant.parse("2020-04-01T10:00:00Z");

  private final FakeClock clock = new FakeClock(T0);
  private final PodStorage storage = new PodStorage(clock);

  private static PodBuilder pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withUid("uid-" + name)
        .endMetadata()
        .withNewSpec()
        .withNodeName("node-1")
        .addNewContainer()
        .withName("app")
        .withImage("nginx")
        .endContainer()
        .endSpec()
        .withNewStatus()
        .withPhase("Pending")
        .endStatus();
  }

  private List<PodUpdate> set(Pod... pods) {
    List<PodUpdate> out = new ArrayList<>();
    storage.merge(new PodUpdate(Op.SET, List.of(pods), API), out::add);
    return out;
  }

  private static List<String> summary(List<PodUpdate> updates) {
    return updates.stream()
        .map(u -> u.op() + " " + u.pods().stream().map(p -> p.getMetadata().getName()).toList())
        .toList();
  }

  @Test
  void theFirstListTellsTheKubeletTheSourceIsSeenEvenWhenItIsEmpty() {
    assertThat(storage.seen(API)).isFalse();
    assertThat(summary(set())).containsExactly("ADD []");
    assertThat(storage.seen(API)).isTrue();
    assertThat(set()).isEmpty();
  }

  @Test
  void aNewPodIsAnAddAnnotatedWithItsSourceAndWhenItWasFirstSeen() {
    Pod web = pod("web").build();
    List<PodUpdate> out = set(web);
    assertThat(summary(out)).containsExactly("ADD [web]");
    Pod added = out.get(0).pods().get(0);
    assertThat(added.getMetadata().getAnnotations())
        .containsEntry("kubernetes.io/config.source", "api")
        .containsEntry("kubernetes.io/config.seen", "2020-04-01T10:00:00Z");
    // The source's object (an informer's cache) is left as it was.
    assertThat(web.getMetadata().getAnnotations()).isEmpty();
  }

  @Test
  void theSameListAgainSendsNothing() {
    set(pod("web").build());
    clock.step(Duration.ofSeconds(5));
    assertThat(set(pod("web").build())).isEmpty();
  }

  @Test
  void aChangeOfTheStatusAloneIsReconciled() {
    set(pod("web").build());
    List<PodUpdate> out = set(pod("web").editStatus().withPhase("Running").endStatus().build());
    assertThat(summary(out)).containsExactly("RECONCILE [web]");
    assertThat(out.get(0).pods().get(0).getStatus().getPhase()).isEqualTo("Running");
  }

  @Test
  void aChangeOfLabelsSpecOrAnnotationsIsAnUpdateThatKeepsTheFirstSeenTime() {
    set(pod("web").build());
    clock.step(Duration.ofMinutes(1));
    List<PodUpdate> out =
        set(pod("web").editMetadata().addToLabels("tier", "front").endMetadata().build());
    assertThat(summary(out)).containsExactly("UPDATE [web]");
    Pod updated = out.get(0).pods().get(0);
    assertThat(updated.getMetadata().getLabels()).containsEntry("tier", "front");
    assertThat(updated.getMetadata().getAnnotations())
        .containsEntry("kubernetes.io/config.seen", "2020-04-01T10:00:00Z");

    List<PodUpdate> annotated =
        set(
            pod("web")
                .editMetadata()
                .addToLabels("tier", "front")
                .addToAnnotations("owner", "team-a")
                .endMetadata()
                .build());
    assertThat(summary(annotated)).containsExactly("UPDATE [web]");
    assertThat(annotated.get(0).pods().get(0).getMetadata().getAnnotations())
        .containsEntry("owner", "team-a")
        .containsEntry("kubernetes.io/config.seen", "2020-04-01T10:00:00Z")
        .containsEntry("kubernetes.io/config.source", "api")
        .doesNotContainKey("kubernetes.io/config.mirror");

    List<PodUpdate> respecced =
        set(
            pod("web")
                .editMetadata()
                .addToLabels("tier", "front")
                .addToAnnotations("owner", "team-a")
                .endMetadata()
                .editSpec()
                .withActiveDeadlineSeconds(30L)
                .endSpec()
                .build());
    assertThat(summary(respecced)).containsExactly("UPDATE [web]");
    assertThat(respecced.get(0).pods().get(0).getSpec().getActiveDeadlineSeconds()).isEqualTo(30L);
  }

  @Test
  void aPodWithoutAnnotationsIsAnnotatedAllTheSame() {
    Pod bare = pod("web").build();
    bare.getMetadata().setAnnotations(null);
    List<PodUpdate> out = set(bare);
    assertThat(out.get(0).pods().get(0).getMetadata().getAnnotations())
        .containsEntry("kubernetes.io/config.source", "api");
    assertThat(bare.getMetadata().getAnnotations()).isNull();
  }

  @Test
  void aShorterGracePeriodAloneIsAnotherGracefulDelete() {
    PodBuilder deleting =
        pod("web")
            .editMetadata()
            .withDeletionTimestamp("2020-04-01T10:01:00Z")
            .withDeletionGracePeriodSeconds(30L)
            .endMetadata();
    set(deleting.build());
    List<PodUpdate> out =
        set(deleting.editMetadata().withDeletionGracePeriodSeconds(0L).endMetadata().build());
    assertThat(summary(out)).containsExactly("DELETE [web]");
    assertThat(out.get(0).pods().get(0).getMetadata().getDeletionGracePeriodSeconds()).isZero();
  }

  /** A storage that already holds pods a and b from incremental ADDs, but has seen no list. */
  private PodStorage knowingAAndB() {
    PodStorage st = new PodStorage(clock);
    st.merge(new PodUpdate(Op.ADD, List.of(pod("a").build(), pod("b").build()), API), u -> {});
    return st;
  }

  @Test
  void aFirstListThatOnlyChangesKnownPodsSendsNoEmptyAdd() {
    List<PodUpdate> out = new ArrayList<>();
    knowingAAndB()
        .merge(
            new PodUpdate(
                Op.SET,
                List.of(
                    pod("a").editMetadata().addToLabels("x", "y").endMetadata().build(),
                    pod("b").build()),
                API),
            out::add);
    assertThat(summary(out)).containsExactly("UPDATE [a]");

    out.clear();
    PodStorage st = knowingAAndB();
    st.merge(
        new PodUpdate(
            Op.SET,
            List.of(
                pod("a").build(),
                pod("b").editMetadata().withDeletionTimestamp("t").endMetadata().build()),
            API),
        out::add);
    assertThat(summary(out)).containsExactly("DELETE [b]");

    out.clear();
    st.merge(
        new PodUpdate(
            Op.SET,
            List.of(pod("a").editMetadata().addToLabels("x", "y").endMetadata().build()),
            API),
        out::add);
    assertThat(summary(out)).containsExactly("REMOVE [b]", "UPDATE [a]");
  }

  @Test
  void anUpdateKeepsTheKubeletsOwnAnnotations() {
    set(
        pod("web")
            .editMetadata()
            .addToAnnotations("kubernetes.io/config.mirror", "abc")
            .endMetadata()
            .build());
    List<PodUpdate> out =
        set(pod("web").editMetadata().addToLabels("a", "b").endMetadata().build());
    assertThat(summary(out)).containsExactly("UPDATE [web]");
    assertThat(out.get(0).pods().get(0).getMetadata().getAnnotations())
        .containsEntry("kubernetes.io/config.mirror", "abc");
  }

  @Test
  void aPodWithoutAUidIsRefusedAndNothingIsMerged() {
    Pod noUid = pod("web").editMetadata().withUid(null).endMetadata().build();
    assertThatThrownBy(() -> set(pod("db").build(), noUid))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("PodStorage: a pod from api (default/web) has no metadata.uid");
    Pod noMeta = pod("x").build();
    noMeta.setMetadata(null);
    assertThatThrownBy(() -> set(noMeta)).hasMessage("PodStorage: a pod from api has no metadata");
    assertThat(storage.pods(API)).isEmpty();
    assertThat(storage.seen(API)).isFalse();
  }

  @Test
  void thePodsHeldAreCopies() {
    set(pod("web").build());
    Pod held = storage.pods(API).get(0);
    held.getMetadata().getAnnotations().put("x", "y");
    assertThat(storage.pods(API).get(0).getMetadata().getAnnotations()).doesNotContainKey("x");
    assertThat(storage.pods("file")).isEmpty();
  }

  @Test
  void aDeletionTimestampIsAGracefulDeleteAndLeavingTheListIsARemove() {
    set(pod("web").build());
    Pod deleting =
        pod("web")
            .editMetadata()
            .withDeletionTimestamp("2020-04-01T10:01:00Z")
            .withDeletionGracePeriodSeconds(30L)
            .endMetadata()
            .build();
    List<PodUpdate> out = set(deleting);
    assertThat(summary(out)).containsExactly("DELETE [web]");
    assertThat(out.get(0).pods().get(0).getMetadata().getDeletionGracePeriodSeconds())
        .isEqualTo(30L);
    assertThat(summary(set())).containsExactly("REMOVE [web]");
  }

  @Test
  void oneMergeSendsRemovesAddsUpdatesDeletesThenReconciles() {
    set(pod("gone").build(), pod("relabel").build(), pod("stop").build(), pod("run").build());
    List<PodUpdate> out =
        set(
            pod("run").editStatus().withPhase("Running").endStatus().build(),
            pod("stop")
                .editMetadata()
                .withDeletionTimestamp("2020-04-01T10:01:00Z")
                .endMetadata()
                .build(),
            pod("relabel").editMetadata().addToLabels("a", "b").endMetadata().build(),
            pod("new").build());
    assertThat(summary(out))
        .containsExactly(
            "REMOVE [gone]", "ADD [new]", "UPDATE [relabel]", "DELETE [stop]", "RECONCILE [run]");
  }

  @Test
  void aSecondPodWithTheSameNameInOneListIsDropped() {
    Pod first = pod("web").build();
    Pod twin = pod("web").editMetadata().withUid("uid-twin").endMetadata().build();
    List<PodUpdate> out = set(first, twin);
    assertThat(out).hasSize(1);
    assertThat(out.get(0).pods())
        .extracting(p -> p.getMetadata().getUid())
        .containsExactly("uid-web");
  }

  @Test
  void theKubeletsOwnAnnotationsDoNotCountAsAChange() {
    assertThat(
            PodStorage.annotationsEqual(
                Map.of("a", "1", "kubernetes.io/config.seen", "t1"),
                Map.of("a", "1", "kubernetes.io/config.source", "api")))
        .isTrue();
    assertThat(PodStorage.annotationsEqual(Map.of("a", "1"), Map.of("a", "2"))).isFalse();
    assertThat(PodStorage.annotationsEqual(Map.of("a", "1"), Map.of())).isFalse();
    assertThat(PodStorage.annotationsEqual(Map.of(), Map.of("a", "1"))).isFalse();
    assertThat(PodStorage.annotationsEqual(null, null)).isTrue();
  }

  @Test
  void incrementalAddsUpdatesAndRemovesAreMergedToo() {
    List<PodUpdate> out = new ArrayList<>();
    storage.merge(new PodUpdate(Op.ADD, List.of(pod("a").build()), API), out::add);
    storage.merge(new PodUpdate(Op.ADD, List.of(pod("a").build()), API), out::add);
    storage.merge(
        new PodUpdate(
            Op.UPDATE,
            List.of(pod("a").editMetadata().addToLabels("x", "y").endMetadata().build()),
            API),
        out::add);
    storage.merge(new PodUpdate(Op.REMOVE, List.of(pod("a").build()), API), out::add);
    storage.merge(new PodUpdate(Op.REMOVE, List.of(pod("a").build()), API), out::add);
    assertThat(summary(out)).containsExactly("ADD [a]", "UPDATE [a]", "REMOVE [a]");
    assertThat(storage.seen(API)).isFalse();
  }

  @Test
  void podConfigPassesOnOnlyWhatChangedAndStopsWithItsSource() throws Exception {
    boolean[] stopped = {false};
    PodSource lists =
        updates -> {
          updates.accept(new PodUpdate(Op.SET, List.of(pod("web").build()), API));
          updates.accept(new PodUpdate(Op.SET, List.of(pod("web").build()), API));
          updates.accept(
              new PodUpdate(
                  Op.SET,
                  List.of(pod("web").editStatus().withPhase("Running").endStatus().build()),
                  API));
          return () -> stopped[0] = true;
        };
    List<PodUpdate> got = new ArrayList<>();
    AutoCloseable handle = new PodConfig(lists, clock).watch(got::add);
    assertThat(summary(got)).containsExactly("ADD [web]", "RECONCILE [web]");
    handle.close();
    assertThat(stopped[0]).isTrue();
  }

  /** One pod of a generated list: which of four pods, and which version of each part. */
  private record Version(int pod, int labels, int status, boolean deleting) {}

  private static Pod build(Version v) {
    PodBuilder b = pod("p" + v.pod());
    b.editMetadata().addToLabels("v", Integer.toString(v.labels())).endMetadata();
    b.editStatus().withPhase(v.status() == 0 ? "Pending" : "Running").endStatus();
    if (v.deleting()) {
      b.editMetadata().withDeletionTimestamp("2020-04-01T11:00:00Z").endMetadata();
    }
    return b.build();
  }

  /** The update a pod's change calls for, or null for none: the oracle, from the two versions. */
  private static Op expected(Version was, Version now) {
    if (was == null) {
      return Op.ADD;
    } else if (now == null) {
      return Op.REMOVE;
    } else if (was.labels() != now.labels() || was.deleting() != now.deleting()) {
      return now.deleting() ? Op.DELETE : Op.UPDATE;
    } else if (was.status() != now.status()) {
      return Op.RECONCILE;
    }
    return null;
  }

  /**
   * Model: a consumer that applies the updates it is sent (ADD, UPDATE, DELETE and RECONCILE put
   * the pod, REMOVE takes it out) ends each step holding exactly the pods of the last list, each as
   * the list has it; each pod is sent with the update its change calls for (and one that did not
   * change is not sent), in the order removes, adds, updates, deletes, reconciles.
   */
  @Test
  void aConsumerApplyingTheUpdatesHoldsTheLastListAtEveryStep() {
    var versions =
        integers()
            .between(0, 3)
            .zip(
                integers().between(0, 1),
                integers().between(0, 1),
                (p, l, s) -> new int[] {p, l, s})
            .zip(integers().between(0, 4), (a, d) -> new Version(a[0], a[1], a[2], d == 0));
    qt().withFixedSeed(1018L)
        .withExamples(300)
        .forAll(lists().of(lists().of(versions).ofSizeBetween(0, 4)).ofSizeBetween(1, 12))
        .checkAssert(
            steps -> {
              PodStorage s = new PodStorage(new FakeClock(T0));
              Map<String, Pod> held = new HashMap<>();
              Map<String, Version> last = new HashMap<>();
              for (List<Version> step : steps) {
                // A list names each pod once: keep the first version of each.
                Map<String, Version> list = new LinkedHashMap<>();
                step.forEach(v -> list.putIfAbsent("uid-p" + v.pod(), v));
                List<PodUpdate> sent = new ArrayList<>();
                s.merge(
                    new PodUpdate(
                        Op.SET, list.values().stream().map(PodStorageTest::build).toList(), API),
                    sent::add);
                List<Op> order = List.of(Op.REMOVE, Op.ADD, Op.UPDATE, Op.DELETE, Op.RECONCILE);
                int lastOp = -1;
                for (PodUpdate u : sent) {
                  assertThat(order.indexOf(u.op())).as("order of %s", sent).isGreaterThan(lastOp);
                  lastOp = order.indexOf(u.op());
                  for (Pod p : u.pods()) {
                    String uid = p.getMetadata().getUid();
                    if (u.op() == Op.REMOVE) {
                      held.remove(uid);
                    } else {
                      held.put(uid, p);
                    }
                    assertThat(u.op())
                        .as("%s", uid)
                        .isEqualTo(expected(last.get(uid), list.get(uid)));
                  }
                }
                assertThat(held.keySet()).isEqualTo(list.keySet());
                list.forEach(
                    (uid, v) -> {
                      Pod p = held.get(uid);
                      Pod want = build(v);
                      assertThat(p.getMetadata().getLabels())
                          .isEqualTo(want.getMetadata().getLabels());
                      assertThat(p.getStatus()).isEqualTo(want.getStatus());
                      assertThat(p.getMetadata().getDeletionTimestamp())
                          .isEqualTo(want.getMetadata().getDeletionTimestamp());
                    });
                last.clear();
                last.putAll(list);
              }
            });
  }
}
