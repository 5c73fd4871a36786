package io.kubelab.scheduler.extender;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.ScheduleResult;
import io.kubelab.scheduler.algorithm.SchedulerExtender;
import io.kubelab.scheduler.algorithm.SchedulingError;
import io.kubelab.scheduler.extender.v1.ExtenderArgs;
import io.kubelab.scheduler.extender.v1.ExtenderBindingArgs;
import io.kubelab.scheduler.extender.v1.ExtenderBindingResult;
import io.kubelab.scheduler.extender.v1.ExtenderFilterResult;
import io.kubelab.scheduler.extender.v1.HostPriority;
import io.kubelab.scheduler.extender.v1.HostPriorityList;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Chapter 02's generic scheduler, configured from a Policy, calling extenders over real HTTP on the
 * loopback interface: where they sit in the cycle, and upstream's fallbacks when they fail.
 */
@Timeout(60)
class SchedulingWithExtendersTest {

  static final List<Node> NODES =
      List.of(
          Fixtures.node("n1").allocatable("4", "8Gi").build(),
          Fixtures.node("n2").allocatable("4", "8Gi").build(),
          Fixtures.node("n3").allocatable("4", "8Gi").build());

  static final Pod POD = Fixtures.pod("web").requests("1", "1Gi").build();

  final List<AutoCloseable> open = new ArrayList<>();
  final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void closeAll() throws Exception {
    release.countDown();
    for (AutoCloseable c : open) {
      c.close();
    }
  }

  <T extends AutoCloseable> T open(T c) {
    open.add(0, c);
    return c;
  }

  /** Filters out n3 ("no GPU") and prefers n2 (8) over n1 (2). */
  ExtenderServer gpuExtender(BlockingQueue<String> calls) {
    return open(
        ExtenderServer.builder()
            .prefix("/gpu")
            .filter(
                "filter",
                a -> {
                  calls.add("filter " + a.nodeNames());
                  List<String> kept = new ArrayList<>(a.nodeNames());
                  kept.remove("n3");
                  return new ExtenderFilterResult(
                      null,
                      kept,
                      a.nodeNames().contains("n3") ? Map.of("n3", "no GPU") : Map.of(),
                      "");
                })
            .prioritize(
                "prioritize",
                a -> {
                  calls.add("prioritize " + a.nodeNames());
                  return new HostPriorityList(
                      List.of(new HostPriority("n1", 2), new HostPriority("n2", 8)));
                })
            .start());
  }

  ExtenderServer binder(BlockingQueue<ExtenderBindingArgs> bound) {
    return open(
        ExtenderServer.builder()
            .bind(
                "bind",
                a -> {
                  bound.add(a);
                  return new ExtenderBindingResult("");
                })
            .start());
  }

  ExtenderServer slow() {
    return open(
        ExtenderServer.builder()
            .filter(
                "filter",
                a -> {
                  release.await(30, TimeUnit.SECONDS);
                  return new ExtenderFilterResult(null, List.of(), null, "");
                })
            .start());
  }

  ExtenderServer failing(AtomicInteger calls) {
    return open(
        ExtenderServer.builder()
            .filter(
                "filter",
                a -> {
                  calls.incrementAndGet();
                  throw new IllegalStateException("broken");
                })
            .prioritize(
                "prioritize",
                a -> {
                  calls.incrementAndGet();
                  throw new IllegalStateException("broken");
                })
            .start());
  }

  static String policy(String... extenders) {
    return "{\"predicates\":[{\"name\":\"PodFitsResources\"}],\"priorities\":[],\"extenders\":["
        + String.join(",", extenders)
        + "]}";
  }

  static String gpuEntry(ExtenderServer s) {
    return "{\"urlPrefix\":\""
        + s.urlPrefix()
        + "\",\"filterVerb\":\"filter\",\"prioritizeVerb\":\"prioritize\",\"weight\":3,"
        + "\"nodeCacheCapable\":true}";
  }

  static String binderEntry(ExtenderServer s) {
    return "{\"urlPrefix\":\"" + s.urlPrefix() + "\",\"bindVerb\":\"bind\"}";
  }

  @Test
  void oneExtenderFiltersAndScoresAnotherBinds() {
    BlockingQueue<String> calls = new LinkedBlockingQueue<>();
    BlockingQueue<ExtenderBindingArgs> bound = new LinkedBlockingQueue<>();
    ExtenderServer gpu = gpuExtender(calls);
    ExtenderServer bind = binder(bound);
    PolicyScheduler s =
        open(new PolicyScheduler(policy(gpuEntry(gpu), binderEntry(bind)), NODES, List.of()));

    ScheduleResult r = s.scheduler.schedule(POD);

    assertThat(r).isEqualTo(new ScheduleResult("n2", 3, 2));
    // Filtering sees what the predicates kept; scoring sees what filtering kept.
    assertThat(calls).containsExactly("filter [n1, n2, n3]", "prioritize [n1, n2]");
    SchedulerExtender binder = ExtenderBinding.binderFor(s.extenders, POD).orElseThrow();
    assertThat(binder.name()).isEqualTo(bind.urlPrefix().toString());
    binder.bind(ExtenderBinding.binding(POD, r.suggestedHost()));
    assertThat(bound)
        .containsExactly(
            new ExtenderBindingArgs("web", "default", POD.getMetadata().getUid(), "n2"));
  }

  @Test
  void anIgnorableExtenderThatTimesOutIsSkipped() {
    BlockingQueue<String> calls = new LinkedBlockingQueue<>();
    ExtenderServer gpu = gpuExtender(calls);
    ExtenderServer slow = slow();
    PolicyScheduler s =
        open(
            new PolicyScheduler(
                policy(
                    "{\"urlPrefix\":\""
                        + slow.urlPrefix()
                        + "\",\"filterVerb\":\"filter\",\"httpTimeout\":200000000,"
                        + "\"ignorable\":true}",
                    gpuEntry(gpu)),
                NODES,
                List.of()));
    // The configurator put the ignorable extender last, after the one that decides.
    assertThat(s.extenders).extracting(HttpExtender::isIgnorable).containsExactly(false, true);

    assertThat(s.scheduler.schedule(POD).suggestedHost()).isEqualTo("n2");
  }

  @Test
  void aFailingExtenderThatIsNotIgnorableFailsTheAttempt() {
    AtomicInteger calls = new AtomicInteger();
    ExtenderServer broken = failing(calls);
    PolicyScheduler s =
        open(
            new PolicyScheduler(
                policy("{\"urlPrefix\":\"" + broken.urlPrefix() + "\",\"filterVerb\":\"filter\"}"),
                NODES,
                List.of()));

    assertThatThrownBy(() -> s.scheduler.schedule(POD))
        .isInstanceOf(SchedulingError.AlgorithmFailure.class)
        .hasMessageEndingWith(
            ": Failed filter with extender at URL " + broken.urlPrefix() + "/filter, code 500");
    assertThat(calls).hasValue(1);
  }

  @Test
  void aPrioritizeErrorNeverFailsThePod() {
    BlockingQueue<String> calls = new LinkedBlockingQueue<>();
    AtomicInteger brokenCalls = new AtomicInteger();
    ExtenderServer gpu = gpuExtender(calls);
    ExtenderServer broken = failing(brokenCalls);
    PolicyScheduler s =
        open(
            new PolicyScheduler(
                policy(
                    gpuEntry(gpu),
                    "{\"urlPrefix\":\""
                        + broken.urlPrefix()
                        + "\",\"prioritizeVerb\":\"prioritize\",\"weight\":100}"),
                NODES,
                List.of()));

    assertThat(s.scheduler.schedule(POD).suggestedHost()).isEqualTo("n2");
    assertThat(brokenCalls).hasValue(1);
  }

  @Test
  void nodesAnExtenderFailsAreReasonsInTheFitError() {
    ExtenderServer none =
        open(
            ExtenderServer.builder()
                .filter(
                    "filter",
                    (ExtenderArgs a) ->
                        new ExtenderFilterResult(
                            null,
                            List.of(),
                            Map.of("n1", "no GPU", "n2", "no GPU", "n3", "node is draining"),
                            ""))
                .start());
    PolicyScheduler s =
        open(
            new PolicyScheduler(
                policy(
                    "{\"urlPrefix\":\""
                        + none.urlPrefix()
                        + "\",\"filterVerb\":\"filter\",\"nodeCacheCapable\":true}"),
                NODES,
                List.of()));

    assertThatThrownBy(() -> s.scheduler.schedule(POD))
        .isInstanceOf(FitError.class)
        .hasMessage("0/3 nodes are available: 1 node is draining, 2 no GPU.");
  }

  @Test
  void anExtenderIsNotAskedAboutAPodThatUsesNoneOfItsResources() {
    AtomicInteger calls = new AtomicInteger();
    ExtenderServer broken = failing(calls);
    PolicyScheduler s =
        open(
            new PolicyScheduler(
                policy(
                    "{\"urlPrefix\":\""
                        + broken.urlPrefix()
                        + "\",\"filterVerb\":\"filter\",\"prioritizeVerb\":\"prioritize\","
                        + "\"weight\":1,\"managedResources\":[{\"name\":\"nvidia.com/gpu\"}]}"),
                NODES,
                List.of()));

    assertThat(s.scheduler.schedule(POD).feasibleNodes()).isEqualTo(3);
    assertThat(calls).hasValue(0);
  }

  @Test
  void aManagedResourceIgnoredBySchedulerIsLeftToTheExtender() {
    Pod gpuPod = Fixtures.pod("train").requests("1", "1Gi").request("example.com/gpu", "2").build();
    String entry =
        "{\"urlPrefix\":\"http://127.0.0.1:1\",\"managedResources\":"
            + "[{\"name\":\"example.com/gpu\",\"ignoredByScheduler\":%s}]}";
    // No node has example.com/gpu: PodFitsResources fails them all unless told to ignore it.
    PolicyScheduler checked =
        open(new PolicyScheduler(policy(entry.formatted("false")), NODES, List.of()));
    assertThatThrownBy(() -> checked.scheduler.schedule(gpuPod))
        .isInstanceOf(FitError.class)
        .hasMessage("0/3 nodes are available: 3 Insufficient example.com/gpu.");

    PolicyScheduler ignored =
        open(new PolicyScheduler(policy(entry.formatted("true")), NODES, List.of()));
    assertThat(ignored.scheduler.schedule(gpuPod).feasibleNodes()).isEqualTo(3);
  }
}
