package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiFunction;

/**
 * A plugin at every extension point whose answers a test sets, and which logs every call: the fake
 * plugins of upstream's {@code framework_test.go} ({@code TestPlugin}, {@code injectedResult}).
 * Public for the tests of {@code framework.core}, which run it under the generic scheduler and
 * preemption.
 */
public final class FakePlugin
    implements QueueSortPlugin,
        PreFilterPlugin,
        PreFilterExtensions,
        FilterPlugin,
        PreScorePlugin,
        ScorePlugin,
        ScoreExtensions,
        ReservePlugin,
        PermitPlugin,
        PreBindPlugin,
        BindPlugin,
        PostBindPlugin,
        UnreservePlugin {

  public final String name;

  /** "point" or "point node" (AddPod and RemovePod: "addPod pod@node") for every call, in order. */
  public final List<String> calls = new CopyOnWriteArrayList<>();

  public Status preFilter = Status.SUCCESS;

  /** Whether it has PreFilter extensions (AddPod, RemovePod). */
  public boolean extensions;

  public Status addPod = Status.SUCCESS;
  public Status removePod = Status.SUCCESS;
  public RuntimeException removePodThrows;

  /** Filter's answer for the pod on a node: by default every node fits. */
  public BiFunction<Pod, NodeInfo, Status> filter = (pod, nodeInfo) -> Status.SUCCESS;

  /** What {@link #filterPassesEveryNode} promises (false: it is called on every node). */
  public boolean passesEveryNode;

  /** What {@link #sameScoreOnEveryNode} settles (null: Score is called on every node). */
  public Long sameScore;

  public Status preScore = Status.SUCCESS;
  public Map<String, Long> scores = new ConcurrentHashMap<>();
  public RuntimeException scoreThrows;

  /** Whether it has a NormalizeScore (to 0-100 of the highest score). */
  public boolean normalize;

  public Status normalizeStatus = Status.SUCCESS;
  public Status reserve = Status.SUCCESS;
  public PermitPlugin.Result permit = PermitPlugin.Result.ALLOW;
  public Status preBind = Status.SUCCESS;
  public Status bind = Status.SUCCESS;

  public FakePlugin(String name) {
    this.name = name;
  }

  /** A Filter answer: {@code status} on {@code nodeName}, success on every other node. */
  public static BiFunction<Pod, NodeInfo, Status> on(String nodeName, Status status) {
    return (pod, nodeInfo) -> nodeInfo.nodeName().equals(nodeName) ? status : Status.SUCCESS;
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public boolean less(PodInfo a, PodInfo b) {
    return a.timestamp().isBefore(b.timestamp());
  }

  @Override
  public Status preFilter(CycleState state, Pod pod) {
    calls.add("preFilter");
    return preFilter;
  }

  @Override
  public PreFilterExtensions preFilterExtensions() {
    return extensions ? this : null;
  }

  @Override
  public Status addPod(CycleState state, Pod podToSchedule, Pod podToAdd, NodeInfo nodeInfo) {
    calls.add("addPod " + podToAdd.getMetadata().getName() + "@" + nodeInfo.nodeName());
    return addPod;
  }

  @Override
  public Status removePod(CycleState state, Pod podToSchedule, Pod podToRemove, NodeInfo nodeInfo) {
    calls.add("removePod " + podToRemove.getMetadata().getName() + "@" + nodeInfo.nodeName());
    if (removePodThrows != null) {
      throw removePodThrows;
    }
    return removePod;
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    calls.add("filter " + nodeInfo.nodeName());
    return filter.apply(pod, nodeInfo);
  }

  @Override
  public boolean filterPassesEveryNode(CycleState state, Pod pod) {
    return passesEveryNode;
  }

  @Override
  public java.util.OptionalLong sameScoreOnEveryNode(CycleState state, Pod pod) {
    return sameScore == null
        ? java.util.OptionalLong.empty()
        : java.util.OptionalLong.of(sameScore);
  }

  @Override
  public Status preScore(CycleState state, Pod pod, List<Node> nodes) {
    calls.add("preScore");
    return preScore;
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    calls.add("score " + nodeName);
    if (scoreThrows != null) {
      throw scoreThrows;
    }
    return scores.getOrDefault(nodeName, 0L);
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return normalize ? this : null;
  }

  @Override
  public Status normalizeScore(CycleState state, Pod pod, NodeScoreList scores) {
    calls.add("normalize");
    if (normalizeStatus.isSuccess()) {
      long max = scores.maxScore();
      for (int i = 0; i < scores.size(); i++) {
        scores.setScore(i, max == 0 ? 0 : scores.score(i) * 100 / max);
      }
    }
    return normalizeStatus;
  }

  @Override
  public Status reserve(CycleState state, Pod pod, String nodeName) {
    calls.add("reserve " + nodeName);
    return reserve;
  }

  @Override
  public Result permit(CycleState state, Pod pod, String nodeName) {
    calls.add("permit " + nodeName);
    return permit;
  }

  @Override
  public Status preBind(CycleState state, Pod pod, String nodeName) {
    calls.add("preBind " + nodeName);
    return preBind;
  }

  @Override
  public Status bind(CycleState state, Pod pod, String nodeName) {
    calls.add("bind " + nodeName);
    return bind;
  }

  @Override
  public void postBind(CycleState state, Pod pod, String nodeName) {
    calls.add("postBind " + nodeName);
  }

  @Override
  public void unreserve(CycleState state, Pod pod, String nodeName) {
    calls.add("unreserve " + nodeName);
  }

  static PermitPlugin.Result waitFor(Duration d) {
    return PermitPlugin.Result.waitFor(d);
  }
}
