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

/**
 * A plugin at every extension point whose answers a test sets, and which logs every call: the fake
 * plugins of upstream's {@code framework_test.go} ({@code TestPlugin}, {@code injectedResult}).
 */
final class FakePlugin
    implements QueueSortPlugin,
        PreFilterPlugin,
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

  final String name;
  final List<String> calls = new CopyOnWriteArrayList<>();
  Status preFilter = Status.SUCCESS;
  Status filter = Status.SUCCESS;
  Map<String, Status> filterByNode = new ConcurrentHashMap<>();
  Status preScore = Status.SUCCESS;
  Map<String, Long> scores = new ConcurrentHashMap<>();
  RuntimeException scoreThrows;
  boolean normalize;
  Status normalizeStatus = Status.SUCCESS;
  Status reserve = Status.SUCCESS;
  PermitPlugin.Result permit = PermitPlugin.Result.ALLOW;
  Status preBind = Status.SUCCESS;
  Status bind = Status.SUCCESS;

  FakePlugin(String name) {
    this.name = name;
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
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    calls.add("filter " + nodeInfo.nodeName());
    return filterByNode.getOrDefault(nodeInfo.nodeName(), filter);
  }

  @Override
  public Status preScore(CycleState state, Pod pod, List<Node> nodes) {
    calls.add("preScore");
    return preScore;
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
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
