package io.kubelab.scheduler.framework;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.parallel.Parallelizer;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.framework.config.ExtensionPoint;
import io.kubelab.scheduler.framework.config.Plugin;
import io.kubelab.scheduler.framework.config.PluginConfig;
import io.kubelab.scheduler.framework.config.Plugins;
import io.kubelab.scheduler.metrics.SchedulerMetrics;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Consumer;
import java.util.function.IntConsumer;

/**
 * The framework: builds the plugins of one profile from a {@link Registry} and runs them at each
 * extension point.
 *
 * <p>Upstream: {@code framework}, {@code NewFramework}, {@code updatePluginList}, {@code
 * pluginsNeeded} and the {@code Run*} methods of {@code pkg/scheduler/framework/v1alpha1/
 * framework.go} (v1.18). Building follows {@code NewFramework} step by step: collect the plugins
 * enabled anywhere (when one plugin is enabled at several points, the entry seen last in {@link
 * ExtensionPoint#FRAMEWORK_ORDER} gives its weight, as upstream's map does), reject repeated
 * arguments, build each needed plugin once in registry order, check the weights cannot overflow,
 * then fill each point's list, checking that each plugin exists, implements the point's interface
 * and is not listed twice. Exactly one QueueSort and at least one Bind plugin are required.
 *
 * <p>Score runs in parallel over nodes on the framework's {@link Parallelizer}; NormalizeScore runs
 * plugin after plugin on the calling thread (upstream: in parallel over plugins; each is a pass
 * over a few hundred scores). Filter plugins that promise to pass every node for the pod, and Score
 * plugins whose score PreScore has settled, are not called per node ({@link
 * FilterPlugin#filterPassesEveryNode}, {@link ScorePlugin#sameScoreOnEveryNode}). With {@link
 * SchedulerMetrics} given, each run of PreFilter, PreScore, Score, Reserve, Unreserve, Permit,
 * PreBind, Bind and PostBind is timed into {@code
 * scheduler_framework_extension_point_duration_seconds} by point and status code, as upstream's
 * deferred {@code FrameworkExtensionPointDuration} observations do (Unreserve and PostBind always
 * {@code Success}); Filter, which runs once per node, is timed once per cycle by the generic
 * scheduler, and the PreFilter extensions are not timed, as upstream; upstream's sampled per-plugin
 * durations are not kept. A {@link CycleRecorder} on the cycle state hears every result.
 */
public final class FrameworkImpl implements Framework {

  /** {@code maxTimeout}: the longest a permit plugin may make a pod wait. */
  public static final Duration MAX_PERMIT_TIMEOUT = Duration.ofMinutes(15);

  /** {@code MaxTotalScore}. */
  public static final long MAX_TOTAL_SCORE = Long.MAX_VALUE;

  private final Snapshot snapshot;
  private final Clock clock;
  private final Parallelizer parallelizer;
  private final Map<Class<?>, Object> components;
  private final boolean runAllFilters;
  private final SchedulerMetrics metrics;
  private final WaitingPods waitingPods = new WaitingPods();
  private final Map<String, Integer> pluginNameToWeightMap = new HashMap<>();
  private final Map<ExtensionPoint, List<Plugin>> configured = new EnumMap<>(ExtensionPoint.class);

  private QueueSortPlugin[] queueSortPlugins = new QueueSortPlugin[0];
  private PreFilterPlugin[] preFilterPlugins = new PreFilterPlugin[0];
  private FilterPlugin[] filterPlugins = new FilterPlugin[0];
  private String[] filterNames = new String[0];
  private PreScorePlugin[] preScorePlugins = new PreScorePlugin[0];
  private ScorePlugin[] scorePlugins = new ScorePlugin[0];
  private long[] scoreWeights = new long[0];
  private ReservePlugin[] reservePlugins = new ReservePlugin[0];
  private PermitPlugin[] permitPlugins = new PermitPlugin[0];
  private PreBindPlugin[] preBindPlugins = new PreBindPlugin[0];
  private BindPlugin[] bindPlugins = new BindPlugin[0];
  private PostBindPlugin[] postBindPlugins = new PostBindPlugin[0];
  private UnreservePlugin[] unreservePlugins = new UnreservePlugin[0];

  private FrameworkImpl(Builder b) {
    this.snapshot = b.snapshot;
    this.clock = b.clock;
    this.parallelizer = b.parallelizer;
    this.components = Map.copyOf(b.components);
    this.runAllFilters = b.runAllFilters;
    this.metrics = b.metrics;
  }

  /** A builder for a framework with the plugins of {@code registry}. */
  public static Builder builder(Registry registry) {
    return new Builder(registry);
  }

  // ---------------------------------------------------------------------------------------------
  // NewFramework

  private void init(Registry registry, Plugins plugins, List<PluginConfig> args) {
    Map<String, Plugin> needed = pluginsNeeded(plugins);
    Map<String, PluginConfig> pluginConfig = new HashMap<>();
    for (PluginConfig c : args) {
      if (pluginConfig.containsKey(c.name())) {
        throw new FrameworkException(
            at(c.origin(), "name") + "repeated config for plugin " + c.name());
      }
      if (registry.factory(c.name()) == null) {
        // Upstream ignores arguments for a plugin it does not know; a misspelt name would then
        // silently run the plugin with its defaults.
        throw new FrameworkException(
            at(c.origin(), "name") + "no plugin named \"" + c.name() + "\" is registered");
      }
      pluginConfig.put(c.name(), c);
    }

    Map<String, io.kubelab.scheduler.framework.Plugin> pluginsMap = new HashMap<>();
    long totalPriority = 0;
    for (String name : registry.names()) {
      Plugin entry = needed.get(name);
      if (entry == null) {
        continue;
      }
      PluginConfig c = pluginConfig.get(name);
      PluginArgs pluginArgs =
          c == null ? PluginArgs.NONE : PluginArgs.of(c.args(), c.origin() + ".args");
      io.kubelab.scheduler.framework.Plugin p;
      try {
        p = registry.factory(name).create(pluginArgs, this);
      } catch (RuntimeException e) {
        throw new FrameworkException(
            "error initializing plugin \"" + name + "\": " + e.getMessage(), e);
      }
      if (p == null) {
        throw new FrameworkException(
            "error initializing plugin \"" + name + "\": its factory built nothing");
      }
      pluginsMap.put(name, p);
      if (entry.weight() < 0) {
        // Upstream 1.18 accepts a negative weight and multiplies scores by it.
        throw new FrameworkException(
            at(entry.origin(), "weight")
                + "Invalid value: "
                + entry.weight()
                + ": must not be negative (0 means 1)");
      }
      // A weight of zero is not allowed: plugins can be disabled explicitly instead.
      int weight = entry.weight() == 0 ? 1 : entry.weight();
      pluginNameToWeightMap.put(name, weight);
      if ((long) weight * NodeScoreList.MAX_NODE_SCORE > MAX_TOTAL_SCORE - totalPriority) {
        throw new FrameworkException("total score of Score plugins could overflow");
      }
      totalPriority += (long) weight * NodeScoreList.MAX_NODE_SCORE;
    }

    for (ExtensionPoint point : ExtensionPoint.FRAMEWORK_ORDER) {
      updatePluginList(point, plugins.enabled(point), pluginsMap);
    }

    for (ScorePlugin sp : scorePlugins) {
      if (!pluginNameToWeightMap.containsKey(sp.name())) {
        throw new FrameworkException(
            "score plugin \"" + sp.name() + "\" is not configured with weight");
      }
    }
    scoreWeights = new long[scorePlugins.length];
    for (int i = 0; i < scorePlugins.length; i++) {
      scoreWeights[i] = pluginNameToWeightMap.get(scorePlugins[i].name());
    }
    filterNames = new String[filterPlugins.length];
    for (int i = 0; i < filterPlugins.length; i++) {
      filterNames[i] = filterPlugins[i].name();
    }

    if (queueSortPlugins.length == 0) {
      throw new FrameworkException("no queue sort plugin is enabled");
    }
    if (queueSortPlugins.length > 1) {
      throw new FrameworkException("only one queue sort plugin can be enabled");
    }
    if (bindPlugins.length == 0) {
      throw new FrameworkException("at least one bind plugin is needed");
    }
  }

  /**
   * {@code pluginsNeeded}: every plugin enabled at some point. A later point's entry replaces an
   * earlier one's, so a plugin enabled at Score with weight 3 and again at Permit ends up with the
   * Permit entry's weight; upstream behaves the same.
   */
  private static Map<String, Plugin> pluginsNeeded(Plugins plugins) {
    Map<String, Plugin> needed = new HashMap<>();
    for (ExtensionPoint point : ExtensionPoint.FRAMEWORK_ORDER) {
      for (Plugin p : plugins.enabled(point)) {
        needed.put(p.name(), p);
      }
    }
    return needed;
  }

  /** {@code updatePluginList} for one extension point. */
  private void updatePluginList(
      ExtensionPoint point,
      List<Plugin> enabled,
      Map<String, io.kubelab.scheduler.framework.Plugin> pluginsMap) {
    Class<? extends io.kubelab.scheduler.framework.Plugin> type = pluginType(point);
    List<io.kubelab.scheduler.framework.Plugin> list = new ArrayList<>();
    Set<String> seen = new HashSet<>();
    for (Plugin ep : enabled) {
      io.kubelab.scheduler.framework.Plugin pg = pluginsMap.get(ep.name());
      if (pg == null) {
        throw new FrameworkException(
            at(ep.origin(), "name")
                + point.interfaceName()
                + " \""
                + ep.name()
                + "\" does not exist");
      }
      if (!type.isInstance(pg)) {
        throw new FrameworkException(
            at(ep.origin(), "name")
                + "plugin \""
                + ep.name()
                + "\" does not extend "
                + point.interfaceName()
                + " plugin");
      }
      if (!seen.add(ep.name())) {
        throw new FrameworkException(
            at(ep.origin(), "name")
                + "plugin \""
                + ep.name()
                + "\" already registered as \""
                + point.interfaceName()
                + "\"");
      }
      list.add(pg);
    }
    List<Plugin> listed = new ArrayList<>();
    for (io.kubelab.scheduler.framework.Plugin pg : list) {
      int weight =
          point == ExtensionPoint.SCORE ? pluginNameToWeightMap.getOrDefault(pg.name(), 0) : 0;
      listed.add(Plugin.of(pg.name(), weight));
    }
    configured.put(point, List.copyOf(listed));
    switch (point) {
      case QUEUE_SORT -> queueSortPlugins = list.toArray(new QueueSortPlugin[0]);
      case PRE_FILTER -> preFilterPlugins = list.toArray(new PreFilterPlugin[0]);
      case FILTER -> filterPlugins = list.toArray(new FilterPlugin[0]);
      case PRE_SCORE -> preScorePlugins = list.toArray(new PreScorePlugin[0]);
      case SCORE -> scorePlugins = list.toArray(new ScorePlugin[0]);
      case RESERVE -> reservePlugins = list.toArray(new ReservePlugin[0]);
      case PERMIT -> permitPlugins = list.toArray(new PermitPlugin[0]);
      case PRE_BIND -> preBindPlugins = list.toArray(new PreBindPlugin[0]);
      case BIND -> bindPlugins = list.toArray(new BindPlugin[0]);
      case POST_BIND -> postBindPlugins = list.toArray(new PostBindPlugin[0]);
      case UNRESERVE -> unreservePlugins = list.toArray(new UnreservePlugin[0]);
    }
  }

  private static Class<? extends io.kubelab.scheduler.framework.Plugin> pluginType(
      ExtensionPoint point) {
    return switch (point) {
      case QUEUE_SORT -> QueueSortPlugin.class;
      case PRE_FILTER -> PreFilterPlugin.class;
      case FILTER -> FilterPlugin.class;
      case PRE_SCORE -> PreScorePlugin.class;
      case SCORE -> ScorePlugin.class;
      case RESERVE -> ReservePlugin.class;
      case PERMIT -> PermitPlugin.class;
      case PRE_BIND -> PreBindPlugin.class;
      case BIND -> BindPlugin.class;
      case POST_BIND -> PostBindPlugin.class;
      case UNRESERVE -> UnreservePlugin.class;
    };
  }

  /** {@code "<origin>.<field>: "}, or nothing when the origin is unknown. */
  private static String at(String origin, String field) {
    return origin == null ? "" : origin + "." + field + ": ";
  }

  // ---------------------------------------------------------------------------------------------
  // The extension points

  @Override
  public LessFunc queueSortFunc() {
    QueueSortPlugin qs = queueSortPlugins[0];
    return qs::less;
  }

  @Override
  public Status runPreFilterPlugins(CycleState state, Pod pod) {
    if (metrics == null) {
      return runPreFilterPluginsUntimed(state, pod);
    }
    long start = metrics.start();
    Status r = runPreFilterPluginsUntimed(state, pod);
    metrics.observeExtensionPoint("PreFilter", r.code().toString(), start);
    return r;
  }

  private Status runPreFilterPluginsUntimed(CycleState state, Pod pod) {
    CycleRecorder rec = state.recorder();
    for (PreFilterPlugin pl : preFilterPlugins) {
      Status status;
      try {
        status = Status.orSuccess(pl.preFilter(state, pod));
      } catch (RuntimeException e) {
        status = thrown(e);
      }
      if (rec != null) {
        rec.preFilter(pl.name(), status);
      }
      if (!status.isSuccess()) {
        if (status.isUnschedulable()) {
          return Status.of(
              status.code(), "rejected by \"" + pl.name() + "\" at prefilter: " + status.message());
        }
        return Status.error(
            "error while running \""
                + pl.name()
                + "\" prefilter plugin for pod \""
                + podName(pod)
                + "\": "
                + status.message());
      }
    }
    // Filters that cannot fail for this pod are not called on each node, unless the cycle is
    // recorded: an explanation lists every plugin's verdict on every node, as upstream's v1.18
    // framework produces them.
    long passing = 0;
    if (rec == null) {
      for (int i = 0; i < Math.min(filterPlugins.length, Long.SIZE); i++) {
        FilterPlugin pl = filterPlugins[i];
        boolean passes;
        try {
          passes = pl.filterPassesEveryNode(state, pod);
        } catch (RuntimeException e) {
          passes = false; // the plugin's Filter reports it, node by node
        }
        if (passes) {
          passing |= 1L << i;
        }
      }
    }
    state.setFiltersPassingEveryNode(passing);
    return Status.SUCCESS;
  }

  @Override
  public Status runPreFilterExtensionAddPod(
      CycleState state, Pod podToSchedule, Pod podToAdd, NodeInfo nodeInfo) {
    return runPreFilterExtension(
        "AddPod", podToSchedule, ext -> ext.addPod(state, podToSchedule, podToAdd, nodeInfo));
  }

  @Override
  public Status runPreFilterExtensionRemovePod(
      CycleState state, Pod podToSchedule, Pod podToRemove, NodeInfo nodeInfo) {
    return runPreFilterExtension(
        "RemovePod",
        podToSchedule,
        ext -> ext.removePod(state, podToSchedule, podToRemove, nodeInfo));
  }

  /**
   * Calls {@code call} on every PreFilter plugin's extensions in order; the first failure, or a
   * thrown exception, ends the run with upstream's message naming the extension and the plugin.
   */
  private Status runPreFilterExtension(
      String what,
      Pod podToSchedule,
      java.util.function.Function<PreFilterExtensions, Status> call) {
    for (PreFilterPlugin pl : preFilterPlugins) {
      PreFilterExtensions ext = pl.preFilterExtensions();
      if (ext == null) {
        continue;
      }
      Status status;
      try {
        status = Status.orSuccess(call.apply(ext));
      } catch (RuntimeException e) {
        status = thrown(e);
      }
      if (!status.isSuccess()) {
        return Status.error(
            "error while running "
                + what
                + " for plugin \""
                + pl.name()
                + "\" while scheduling pod \""
                + podName(podToSchedule)
                + "\": "
                + status.message());
      }
    }
    return Status.SUCCESS;
  }

  @Override
  public PluginToStatus runFilterPlugins(CycleState state, Pod pod, NodeInfo nodeInfo) {
    CycleRecorder rec = state.recorder();
    CycleRecorder.FilterRun run = rec == null ? null : rec.filterRun(nodeInfo.nodeName());
    Map<String, Status> statuses = null;
    // The promise covers nodes with a Node; on any other, every plugin runs (and fails as
    // upstream's).
    long passing =
        nodeInfo == null || nodeInfo.node() == null ? 0 : state.filtersPassingEveryNode();
    for (int i = 0; i < filterPlugins.length; i++) {
      if (i < Long.SIZE && (passing & (1L << i)) != 0) {
        continue; // only the first 64 plugins have a bit (a shift counts modulo 64)
      }
      Status status;
      try {
        status = Status.orSuccess(filterPlugins[i].filter(state, pod, nodeInfo));
      } catch (RuntimeException e) {
        status = thrown(e);
      }
      if (run != null) {
        run.filter(filterNames[i], status);
      }
      if (!status.isSuccess()) {
        if (!status.isUnschedulable()) {
          // Filter plugins are not supposed to return anything but Success or Unschedulable.
          return PluginToStatus.of(
              filterNames[i],
              Status.error(
                  "running \""
                      + filterNames[i]
                      + "\" filter plugin for pod \""
                      + podName(pod)
                      + "\": "
                      + status.message()));
        }
        if (statuses == null) {
          statuses = new LinkedHashMap<>();
        }
        statuses.put(filterNames[i], status);
        if (!runAllFilters) {
          break;
        }
      }
    }
    return statuses == null ? PluginToStatus.empty() : PluginToStatus.of(statuses);
  }

  @Override
  public Status runPreScorePlugins(CycleState state, Pod pod, List<Node> nodes) {
    if (metrics == null) {
      return runPreScorePluginsUntimed(state, pod, nodes);
    }
    long start = metrics.start();
    Status r = runPreScorePluginsUntimed(state, pod, nodes);
    metrics.observeExtensionPoint("PreScore", r.code().toString(), start);
    return r;
  }

  private Status runPreScorePluginsUntimed(CycleState state, Pod pod, List<Node> nodes) {
    CycleRecorder rec = state.recorder();
    for (PreScorePlugin pl : preScorePlugins) {
      Status status;
      try {
        status = Status.orSuccess(pl.preScore(state, pod, nodes));
      } catch (RuntimeException e) {
        status = thrown(e);
      }
      if (rec != null) {
        rec.preScore(pl.name(), status);
      }
      if (!status.isSuccess()) {
        return Status.error(
            "error while running \""
                + pl.name()
                + "\" prescore plugin for pod \""
                + podName(pod)
                + "\": "
                + status.message());
      }
    }
    return Status.SUCCESS;
  }

  @Override
  public Map<String, NodeScoreList> runScorePlugins(CycleState state, Pod pod, List<Node> nodes) {
    return runScorePlugins(state, pod, nodes, null);
  }

  @Override
  public Map<String, NodeScoreList> runScorePlugins(
      CycleState state, Pod pod, List<Node> nodes, List<NodeInfo> nodeInfos) {
    if (nodeInfos != null && nodeInfos.size() != nodes.size()) {
      throw new IllegalArgumentException(
          "runScorePlugins: " + nodeInfos.size() + " NodeInfos for " + nodes.size() + " nodes");
    }
    if (metrics == null) {
      return runScorePluginsUntimed(state, pod, nodes, nodeInfos);
    }
    long start = metrics.start();
    String code = Code.ERROR.toString();
    try {
      Map<String, NodeScoreList> r = runScorePluginsUntimed(state, pod, nodes, nodeInfos);
      code = Code.SUCCESS.toString();
      return r;
    } finally {
      metrics.observeExtensionPoint("Score", code, start);
    }
  }

  // runScorePlugins runs once per pod over a few hundred nodes: each of its loops is a small method
  // of its own, so that the JIT compiles each loop on its own, early, instead of recompiling one
  // large method from each of its loops in turn (which held the compiler for a third of a second
  // in a fresh JVM, while the scheduler ran on slower code).
  private Map<String, NodeScoreList> runScorePluginsUntimed(
      CycleState state, Pod pod, List<Node> nodes, List<NodeInfo> nodeInfos) {
    int n = nodes.size();
    NodeInfo[] infos = nodeInfos == null ? null : infoArray(nodeInfos);
    String[] names = names(nodes, infos);
    NodeScoreList[] lists = new NodeScoreList[scorePlugins.length];
    for (int j = 0; j < lists.length; j++) {
      // With the NodeInfos, so that a NormalizeScore need not look its nodes up again.
      lists[j] =
          infos == null
              ? NodeScoreList.sharingNames(names)
              : NodeScoreList.sharingNames(names, infos);
    }
    // Plugins whose score PreScore has settled for every node are not called per node.
    boolean[] settled = settle(state, pod, lists, n);
    scoreNodes(state, pod, names, infos, lists, settled);
    CycleRecorder rec = state.recorder();
    NodeScoreList[] raw = rec == null ? null : copies(lists);
    normalizeScores(state, pod, lists);
    NodeScoreList[] normalized = rec == null ? null : normalizedCopies(lists, raw);
    for (int j = 0; j < scorePlugins.length; j++) {
      applyWeight(pod, j, lists[j]);
    }
    Map<String, NodeScoreList> pluginToNodeScores = new LinkedHashMap<>();
    for (int j = 0; j < scorePlugins.length; j++) {
      pluginToNodeScores.put(scorePlugins[j].name(), lists[j]);
    }
    if (rec != null) {
      record(rec, lists, raw, normalized);
    }
    return pluginToNodeScores;
  }

  private static NodeInfo[] infoArray(List<NodeInfo> nodeInfos) {
    NodeInfo[] infos = new NodeInfo[nodeInfos.size()];
    for (int i = 0; i < infos.length; i++) {
      infos[i] = nodeInfos.get(i);
    }
    return infos;
  }

  private static String[] names(List<Node> nodes, NodeInfo[] infos) {
    String[] names = new String[nodes.size()];
    for (int i = 0; i < names.length; i++) {
      names[i] = infos == null ? nodes.get(i).getMetadata().getName() : infos[i].nodeName();
    }
    return names;
  }

  /**
   * Fills in the scores of the plugins that say, after PreScore, that every node has the same
   * score; which plugins those are. A plugin that throws here is asked node by node, and its Score
   * reports the error.
   */
  private boolean[] settle(CycleState state, Pod pod, NodeScoreList[] lists, int n) {
    boolean[] settled = new boolean[scorePlugins.length];
    for (int j = 0; j < scorePlugins.length; j++) {
      OptionalLong same;
      try {
        same = scorePlugins[j].sameScoreOnEveryNode(state, pod);
      } catch (RuntimeException e) {
        same = OptionalLong.empty();
      }
      if (same.isPresent()) {
        settled[j] = true;
        fill(lists[j], n, same.getAsLong());
      }
    }
    return settled;
  }

  private static void fill(NodeScoreList list, int n, long score) {
    for (int i = 0; i < n; i++) {
      list.setScore(i, score);
    }
  }

  /** The Score plugins that are not settled, called in parallel over the nodes. */
  private void scoreNodes(
      CycleState state,
      Pod pod,
      String[] names,
      NodeInfo[] infos,
      NodeScoreList[] lists,
      boolean[] settled) {
    int toCall = 0;
    for (boolean s : settled) {
      toCall += s ? 0 : 1;
    }
    ScorePlugin[] called = new ScorePlugin[toCall];
    NodeScoreList[] calledLists = new NodeScoreList[toCall];
    for (int j = 0, k = 0; j < scorePlugins.length; j++) {
      if (!settled[j]) {
        called[k] = scorePlugins[j];
        calledLists[k++] = lists[j];
      }
    }
    AtomicReference<String> firstError = new AtomicReference<>();
    Parallelizer.Stop stop = new Parallelizer.Stop();
    // Each worker writes only its own nodes' cells, so no lock is needed.
    IntConsumer scoreNode =
        index -> {
          String nodeName = names[index];
          // One lookup per node for all plugins (none when the caller has the NodeInfos); a node
          // the snapshot lacks goes to every plugin, settled or not, to fail as upstream's do.
          NodeInfo nodeInfo = infos == null ? snapshotNodeOrNull(nodeName) : infos[index];
          ScorePlugin[] plugins = nodeInfo == null ? scorePlugins : called;
          NodeScoreList[] into = nodeInfo == null ? lists : calledLists;
          for (int j = 0; j < plugins.length; j++) {
            long s;
            try {
              s =
                  nodeInfo == null
                      ? plugins[j].score(state, pod, nodeName)
                      : plugins[j].score(state, pod, nodeInfo);
            } catch (RuntimeException e) {
              firstError.compareAndSet(null, scoreFailure(plugins[j], e));
              stop.stop();
              return;
            }
            into[j].setScore(index, s);
          }
        };
    // The loop over each chunk is this call site's own (see Parallelizer.ChunkConsumer).
    parallelizer.untilChunks(
        stop,
        names.length,
        (from, to, s) -> {
          for (int i = from; i < to && !s.isStopped(); i++) {
            scoreNode.accept(i);
          }
        });
    if (firstError.get() != null) {
      throw new StatusException(
          Status.error(
              "error while running score plugin for pod \""
                  + podName(pod)
                  + "\": "
                  + firstError.get()));
    }
  }

  /** Upstream's message carries only the plugin's; the plugin is named here too. */
  private static String scoreFailure(ScorePlugin plugin, RuntimeException e) {
    return "plugin \"" + plugin.name() + "\": " + thrown(e).message();
  }

  /**
   * Each plugin's NormalizeScore over its list; the first that fails stops the others.
   *
   * <p>Upstream normalizes the plugins' lists in parallel, one plugin per goroutine. Each is a pass
   * over a few hundred scores, far less work than handing it to another thread: they run here, one
   * after the other, with the same results.
   */
  private void normalizeScores(CycleState state, Pod pod, NodeScoreList[] lists) {
    for (int j = 0; j < scorePlugins.length; j++) {
      ScoreExtensions ext = scorePlugins[j].scoreExtensions();
      if (ext == null) {
        continue;
      }
      Status status;
      try {
        status = Status.orSuccess(ext.normalizeScore(state, pod, lists[j]));
      } catch (RuntimeException e) {
        status = thrown(e);
      }
      if (!status.isSuccess()) {
        throw new StatusException(
            Status.error(
                "error while running normalize score plugin for pod \""
                    + podName(pod)
                    + "\": normalize score plugin \""
                    + scorePlugins[j].name()
                    + "\" failed with error "
                    + status.message()));
      }
    }
  }

  /** A plugin without NormalizeScore has the same normalised scores as raw ones: one copy. */
  private NodeScoreList[] normalizedCopies(NodeScoreList[] lists, NodeScoreList[] raw) {
    NodeScoreList[] normalized = new NodeScoreList[lists.length];
    for (int j = 0; j < lists.length; j++) {
      normalized[j] = scorePlugins[j].scoreExtensions() == null ? raw[j] : copy(lists[j]);
    }
    return normalized;
  }

  /** Plugin {@code j}'s normalised scores, checked to be in range, times its weight. */
  private void applyWeight(Pod pod, int j, NodeScoreList list) {
    long weight = scoreWeights[j];
    for (int i = 0, n = list.size(); i < n; i++) {
      long s = list.score(i);
      if (s > NodeScoreList.MAX_NODE_SCORE || s < NodeScoreList.MIN_NODE_SCORE) {
        throw invalidScore(pod, scorePlugins[j], s);
      }
      list.setScore(i, s * weight);
    }
  }

  private static StatusException invalidScore(Pod pod, ScorePlugin plugin, long s) {
    return new StatusException(
        Status.error(
            "error while applying score defaultWeights for pod \""
                + podName(pod)
                + "\": score plugin \""
                + plugin.name()
                + "\" returns an invalid score "
                + s
                + ", it should in the range of ["
                + NodeScoreList.MIN_NODE_SCORE
                + ", "
                + NodeScoreList.MAX_NODE_SCORE
                + "] after normalizing"));
  }

  private void record(
      CycleRecorder rec, NodeScoreList[] lists, NodeScoreList[] raw, NodeScoreList[] normalized) {
    for (int j = 0; j < scorePlugins.length; j++) {
      NodeScoreList weighted = scoreWeights[j] == 1 ? normalized[j] : copy(lists[j]);
      rec.score(scorePlugins[j].name(), scoreWeights[j], raw[j], normalized[j], weighted);
    }
  }

  private NodeInfo snapshotNodeOrNull(String nodeName) {
    try {
      return snapshot.get(nodeName);
    } catch (io.kubelab.scheduler.cache.Cache.CacheException e) {
      return null;
    }
  }

  private static NodeScoreList[] copies(NodeScoreList[] lists) {
    NodeScoreList[] out = new NodeScoreList[lists.length];
    for (int j = 0; j < lists.length; j++) {
      out[j] = copy(lists[j]);
    }
    return out;
  }

  private static NodeScoreList copy(NodeScoreList l) {
    return l.copy();
  }

  @Override
  public Status runReservePlugins(CycleState state, Pod pod, String nodeName) {
    if (metrics == null) {
      return runReservePluginsUntimed(state, pod, nodeName);
    }
    long start = metrics.start();
    Status r = runReservePluginsUntimed(state, pod, nodeName);
    metrics.observeExtensionPoint("Reserve", r.code().toString(), start);
    return r;
  }

  private Status runReservePluginsUntimed(CycleState state, Pod pod, String nodeName) {
    CycleRecorder rec = state.recorder();
    for (ReservePlugin pl : reservePlugins) {
      Status status;
      try {
        status = Status.orSuccess(pl.reserve(state, pod, nodeName));
      } catch (RuntimeException e) {
        status = thrown(e);
      }
      if (rec != null) {
        rec.reserve(pl.name(), status);
      }
      if (!status.isSuccess()) {
        return Status.error(
            "error while running \""
                + pl.name()
                + "\" reserve plugin for pod \""
                + podName(pod)
                + "\": "
                + status.message());
      }
    }
    return Status.SUCCESS;
  }

  @Override
  public void runUnreservePlugins(CycleState state, Pod pod, String nodeName) {
    if (metrics == null) {
      runUnreservePluginsUntimed(state, pod, nodeName);
      return;
    }
    long start = metrics.start();
    runUnreservePluginsUntimed(state, pod, nodeName);
    metrics.observeExtensionPoint("Unreserve", Code.SUCCESS.toString(), start);
  }

  private void runUnreservePluginsUntimed(CycleState state, Pod pod, String nodeName) {
    CycleRecorder rec = state.recorder();
    for (UnreservePlugin pl : unreservePlugins) {
      pl.unreserve(state, pod, nodeName);
      if (rec != null) {
        rec.unreserve(pl.name());
      }
    }
  }

  @Override
  public Status runPermitPlugins(CycleState state, Pod pod, String nodeName) {
    if (metrics == null) {
      return runPermitPluginsUntimed(state, pod, nodeName);
    }
    long start = metrics.start();
    Status r = runPermitPluginsUntimed(state, pod, nodeName);
    metrics.observeExtensionPoint("Permit", r.code().toString(), start);
    return r;
  }

  private Status runPermitPluginsUntimed(CycleState state, Pod pod, String nodeName) {
    CycleRecorder rec = state.recorder();
    Map<String, Duration> pluginsWaitTime = new LinkedHashMap<>();
    boolean wait = false;
    for (PermitPlugin pl : permitPlugins) {
      PermitPlugin.Result r;
      try {
        r = pl.permit(state, pod, nodeName);
        if (r == null) {
          r = PermitPlugin.Result.ALLOW;
        }
      } catch (RuntimeException e) {
        r = new PermitPlugin.Result(thrown(e), Duration.ZERO);
      }
      Status status = r.status();
      if (rec != null) {
        rec.permit(pl.name(), status, r.timeout());
      }
      if (status.isSuccess()) {
        continue;
      }
      if (status.isUnschedulable()) {
        return Status.of(
            status.code(),
            "rejected pod \""
                + podName(pod)
                + "\" by permit plugin \""
                + pl.name()
                + "\": "
                + status.message());
      }
      if (status.code() == Code.WAIT) {
        Duration timeout = r.timeout();
        if (timeout.compareTo(MAX_PERMIT_TIMEOUT) > 0) {
          timeout = MAX_PERMIT_TIMEOUT;
        }
        pluginsWaitTime.put(pl.name(), timeout);
        wait = true;
      } else {
        return Status.error(
            "error while running \""
                + pl.name()
                + "\" permit plugin for pod \""
                + podName(pod)
                + "\": "
                + status.message());
      }
    }
    if (wait) {
      waitingPods.add(new WaitingPods.Entry(pod, pluginsWaitTime, clock));
      return Status.of(
          Code.WAIT,
          "one or more plugins asked to wait and no plugin rejected pod \"" + podName(pod) + "\"");
    }
    return Status.SUCCESS;
  }

  @Override
  public Status waitOnPermit(Pod pod) {
    String uid = pod.getMetadata().getUid();
    WaitingPods.Entry wp = waitingPods.get(uid);
    if (wp == null) {
      return Status.SUCCESS;
    }
    Status s;
    try {
      s = wp.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return Status.error("interrupted while waiting on permit for pod \"" + podName(pod) + "\"");
    } finally {
      waitingPods.remove(uid);
    }
    return permitVerdict(pod, s);
  }

  /**
   * The verdict of a waiting pod that was already allowed or rejected, without blocking; null when
   * it is still waiting (or not waiting at all). For tests and the simulation, which step a {@code
   * FakeClock} instead of blocking.
   */
  public Status permitVerdictNow(Pod pod) {
    WaitingPods.Entry wp = waitingPods.get(pod.getMetadata().getUid());
    if (wp == null) {
      return null;
    }
    Status s = wp.verdictNow();
    return s == null ? null : permitVerdict(pod, s);
  }

  /**
   * A waiting pod is only ever allowed (Success) or rejected (Unschedulable, by a plugin, from
   * outside or by a timeout), so upstream's third branch, {@code error received while waiting on
   * permit}, cannot happen here and is left out.
   */
  private static Status permitVerdict(Pod pod, Status s) {
    if (s.isSuccess()) {
      return Status.SUCCESS;
    }
    return Status.of(
        s.code(), "pod \"" + podName(pod) + "\" rejected while waiting on permit: " + s.message());
  }

  @Override
  public Status runPreBindPlugins(CycleState state, Pod pod, String nodeName) {
    if (metrics == null) {
      return runPreBindPluginsUntimed(state, pod, nodeName);
    }
    long start = metrics.start();
    Status r = runPreBindPluginsUntimed(state, pod, nodeName);
    metrics.observeExtensionPoint("PreBind", r.code().toString(), start);
    return r;
  }

  private Status runPreBindPluginsUntimed(CycleState state, Pod pod, String nodeName) {
    CycleRecorder rec = state.recorder();
    for (PreBindPlugin pl : preBindPlugins) {
      Status status;
      try {
        status = Status.orSuccess(pl.preBind(state, pod, nodeName));
      } catch (RuntimeException e) {
        status = thrown(e);
      }
      if (rec != null) {
        rec.preBind(pl.name(), status);
      }
      if (!status.isSuccess()) {
        return Status.error(
            "error while running \""
                + pl.name()
                + "\" prebind plugin for pod \""
                + podName(pod)
                + "\": "
                + status.message());
      }
    }
    return Status.SUCCESS;
  }

  @Override
  public Status runBindPlugins(CycleState state, Pod pod, String nodeName) {
    if (metrics == null) {
      return runBindPluginsUntimed(state, pod, nodeName);
    }
    long start = metrics.start();
    Status r = runBindPluginsUntimed(state, pod, nodeName);
    metrics.observeExtensionPoint("Bind", r.code().toString(), start);
    return r;
  }

  private Status runBindPluginsUntimed(CycleState state, Pod pod, String nodeName) {
    CycleRecorder rec = state.recorder();
    Status status = Status.of(Code.SKIP);
    for (BindPlugin bp : bindPlugins) {
      try {
        status = Status.orSuccess(bp.bind(state, pod, nodeName));
      } catch (RuntimeException e) {
        status = thrown(e);
      }
      if (rec != null) {
        rec.bind(bp.name(), status);
      }
      if (status.code() == Code.SKIP) {
        continue;
      }
      if (!status.isSuccess()) {
        return Status.error(
            "plugin \""
                + bp.name()
                + "\" failed to bind pod \""
                + pod.getMetadata().getNamespace()
                + "/"
                + podName(pod)
                + "\": "
                + status.message());
      }
      return status;
    }
    return status;
  }

  @Override
  public void runPostBindPlugins(CycleState state, Pod pod, String nodeName) {
    if (metrics == null) {
      runPostBindPluginsUntimed(state, pod, nodeName);
      return;
    }
    long start = metrics.start();
    runPostBindPluginsUntimed(state, pod, nodeName);
    metrics.observeExtensionPoint("PostBind", Code.SUCCESS.toString(), start);
  }

  private void runPostBindPluginsUntimed(CycleState state, Pod pod, String nodeName) {
    CycleRecorder rec = state.recorder();
    for (PostBindPlugin pl : postBindPlugins) {
      pl.postBind(state, pod, nodeName);
      if (rec != null) {
        rec.postBind(pl.name());
      }
    }
  }

  @Override
  public boolean hasFilterPlugins() {
    return filterPlugins.length > 0;
  }

  @Override
  public boolean hasScorePlugins() {
    return scorePlugins.length > 0;
  }

  @Override
  public Map<String, List<Plugin>> listPlugins() {
    Map<String, List<Plugin>> m = new LinkedHashMap<>();
    for (ExtensionPoint point : ExtensionPoint.values()) {
      List<Plugin> l = configured.getOrDefault(point, List.of());
      if (!l.isEmpty()) {
        m.put(point.interfaceName(), l);
      }
    }
    return Collections.unmodifiableMap(m);
  }

  /** The names of the plugins enabled at {@code point}, in order. */
  public List<String> pluginNames(ExtensionPoint point) {
    List<String> names = new ArrayList<>();
    for (Plugin p : configured.getOrDefault(point, List.of())) {
      names.add(p.name());
    }
    return names;
  }

  /** Whether a failing filter stops the node's evaluation (false) or all filters run (true). */
  public boolean runAllFilters() {
    return runAllFilters;
  }

  /** The number of pods waiting at Permit. */
  public int waitingPodCount() {
    return waitingPods.size();
  }

  // ---------------------------------------------------------------------------------------------
  // FrameworkHandle

  @Override
  public Snapshot snapshotSharedLister() {
    return snapshot;
  }

  @Override
  public void iterateOverWaitingPods(Consumer<WaitingPod> callback) {
    waitingPods.iterate(callback);
  }

  @Override
  public WaitingPod getWaitingPod(String uid) {
    return waitingPods.get(uid);
  }

  @Override
  public void rejectWaitingPod(String uid) {
    WaitingPod wp = waitingPods.get(uid);
    if (wp != null) {
      wp.reject("removed");
    }
  }

  @Override
  public Clock clock() {
    return clock;
  }

  /** The parallelizer Score runs on; the generic scheduler filters on it too. */
  public Parallelizer parallelizer() {
    return parallelizer;
  }

  @Override
  public <T> T component(Class<T> type) {
    Object o = components.get(type);
    if (o == null) {
      throw new IllegalStateException("no " + type.getSimpleName() + " was given to the framework");
    }
    return type.cast(o);
  }

  @Override
  public boolean hasComponent(Class<?> type) {
    return components.containsKey(type);
  }

  private static String podName(Pod pod) {
    return pod.getMetadata() == null ? "" : pod.getMetadata().getName();
  }

  /** A plugin threw instead of returning a status: its status, or an Error with its message. */
  private static Status thrown(RuntimeException e) {
    if (e instanceof StatusException se) {
      return se.status();
    }
    String m = e.getMessage();
    return Status.error(m == null ? e.toString() : m);
  }

  /** Configures a {@link FrameworkImpl}; {@link #build()} is upstream's {@code NewFramework}. */
  public static final class Builder {
    private final Registry registry;
    private Plugins plugins = Plugins.empty();
    private List<PluginConfig> pluginConfig = List.of();
    private Snapshot snapshot = new Snapshot();
    private Clock clock;
    private Parallelizer parallelizer;
    private boolean runAllFilters;
    private SchedulerMetrics metrics;
    private final Map<Class<?>, Object> components = new HashMap<>();

    private Builder(Registry registry) {
      this.registry = Objects.requireNonNull(registry, "registry");
    }

    /** The plugins to enable; with none the framework has none (and fails to build). */
    public Builder plugins(Plugins plugins) {
      this.plugins = Objects.requireNonNull(plugins, "plugins");
      return this;
    }

    /** The plugins' arguments. */
    public Builder pluginConfig(List<PluginConfig> pluginConfig) {
      this.pluginConfig = List.copyOf(pluginConfig);
      return this;
    }

    /** {@code WithSnapshotSharedLister}: the snapshot the scheduler refreshes every cycle. */
    public Builder snapshot(Snapshot snapshot) {
      this.snapshot = Objects.requireNonNull(snapshot, "snapshot");
      return this;
    }

    /**
     * Observes how long each extension point takes in {@code metrics} ({@code
     * scheduler_framework_extension_point_duration_seconds}); none when unset. Filter is observed
     * by the generic scheduler, once per cycle.
     */
    public Builder metrics(SchedulerMetrics metrics) {
      this.metrics = metrics;
      return this;
    }

    /** {@code WithRunAllFilters} (a Policy's {@code alwaysCheckAllPredicates}). */
    public Builder runAllFilters(boolean runAllFilters) {
      this.runAllFilters = runAllFilters;
      return this;
    }

    /** The clock of the permit timeouts. */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Where Score runs in parallel; the caller owns and closes it. */
    public Builder parallelizer(Parallelizer parallelizer) {
      this.parallelizer = Objects.requireNonNull(parallelizer, "parallelizer");
      return this;
    }

    /** A component of the outside world, by the interface plugins look it up with. */
    public <T> Builder component(Class<T> type, T value) {
      components.put(Objects.requireNonNull(type, "type"), Objects.requireNonNull(value, "value"));
      return this;
    }

    /** Every component of {@code all}, keyed by type. */
    public Builder components(Map<Class<?>, Object> all) {
      all.forEach(
          (type, value) -> {
            if (!type.isInstance(value)) {
              throw new IllegalArgumentException(
                  "component for " + type.getName() + " is a " + value.getClass().getName());
            }
            components.put(type, value);
          });
      return this;
    }

    /**
     * {@code NewFramework}.
     *
     * @throws FrameworkException with upstream's message, prefixed with the configuration field
     *     that caused it when the entry knows its origin
     */
    public FrameworkImpl build() {
      if (clock == null) {
        throw new IllegalStateException("the framework needs a clock");
      }
      if (parallelizer == null) {
        throw new IllegalStateException("the framework needs a parallelizer");
      }
      FrameworkImpl f = new FrameworkImpl(this);
      f.init(registry, plugins, pluginConfig);
      return f;
    }
  }
}
