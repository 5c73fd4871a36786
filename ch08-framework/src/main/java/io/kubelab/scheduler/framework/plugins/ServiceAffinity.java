package io.kubelab.scheduler.framework.plugins;

import io.fabric8.kubernetes.api.model.Pod;
import io.kubelab.scheduler.algorithm.NodeScoreList;
import io.kubelab.scheduler.cache.NodeInfo;
import io.kubelab.scheduler.framework.Code;
import io.kubelab.scheduler.framework.CycleState;
import io.kubelab.scheduler.framework.FilterPlugin;
import io.kubelab.scheduler.framework.FrameworkHandle;
import io.kubelab.scheduler.framework.PluginArgs;
import io.kubelab.scheduler.framework.PreFilterExtensions;
import io.kubelab.scheduler.framework.PreFilterPlugin;
import io.kubelab.scheduler.framework.ScoreExtensions;
import io.kubelab.scheduler.framework.ScorePlugin;
import io.kubelab.scheduler.framework.StateData;
import io.kubelab.scheduler.framework.Status;
import io.kubelab.scheduler.framework.StatusException;
import io.kubelab.scheduler.spread.ServiceAffinityPredicate;
import io.kubelab.scheduler.spread.ServiceAntiAffinity;
import io.kubelab.scheduler.spread.ServiceLister;
import io.kubelab.scheduler.spread.SpreadListers;
import io.kubelab.scheduler.spread.SpreadSelector;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/**
 * Service affinity and anti-affinity, configured only through a Policy: the pods of a Service share
 * the values of some node labels (Filter), or spread over the values of others (Score).
 *
 * <p>Upstream: {@code pkg/scheduler/framework/plugins/serviceaffinity/service_affinity.go} (v1.18).
 * Arguments {@code labels} (the {@code serviceAffinity} predicates' labels) and {@code
 * antiAffinityLabelsPreference} (one label per {@code serviceAntiAffinity} priority). PreFilter
 * finds the Services selecting the pod and the pods of its namespace matching its labels; AddPod
 * and RemovePod keep that list in step; Filter is chapter 05's {@link ServiceAffinityPredicate}
 * over it (Unschedulable, "node(s) didn't match service affinity"; every node passes without {@code
 * labels}); Score counts the node's live pods matching the first Service's selector and
 * NormalizeScore is chapter 05's {@link ServiceAntiAffinity} reduce, each label a share (every node
 * 0 without labels). The Services come from the {@link SpreadListers} component (none given: no
 * Service selects any pod).
 */
public final class ServiceAffinity
    implements PreFilterPlugin, FilterPlugin, ScorePlugin, ScoreExtensions {

  /** {@code Name}. */
  public static final String NAME = "ServiceAffinity";

  /** {@code preFilterStateKey}. */
  static final String PRE_FILTER_STATE_KEY = "PreFilter" + NAME;

  /**
   * {@code Args}.
   *
   * @param labels {@code AffinityLabels}: node labels a Service's pods share
   * @param antiAffinityLabelsPreference node labels whose values a Service's pods spread over
   */
  record Args(List<String> labels, List<String> antiAffinityLabelsPreference) {
    Args {
      labels = labels == null ? List.of() : List.copyOf(labels);
      antiAffinityLabelsPreference =
          antiAffinityLabelsPreference == null
              ? List.of()
              : List.copyOf(antiAffinityLabelsPreference);
    }
  }

  private final FrameworkHandle handle;
  private final ServiceLister services;
  private final Args args;
  private final ServiceAffinityPredicate predicate;
  private final ServiceAntiAffinity antiAffinity;

  ServiceAffinity(PluginArgs pluginArgs, FrameworkHandle handle) {
    this.handle = handle;
    this.args = pluginArgs.decode(Args.class, () -> new Args(null, null));
    this.services =
        handle.hasComponent(SpreadListers.class)
            ? handle.component(SpreadListers.class).services()
            : ServiceLister.EMPTY;
    this.predicate =
        new ServiceAffinityPredicate(handle::snapshotSharedLister, services, args.labels());
    this.antiAffinity =
        args.antiAffinityLabelsPreference().isEmpty()
            ? null
            : new ServiceAntiAffinity(services, args.antiAffinityLabelsPreference());
  }

  /** {@code preFilterState}: the Services and matching pods; AddPod and RemovePod edit a clone. */
  static final class PreFilterState implements StateData {
    final List<io.fabric8.kubernetes.api.model.Service> services;
    final List<Pod> matchingPods;

    PreFilterState(List<io.fabric8.kubernetes.api.model.Service> services, List<Pod> pods) {
      this.services = services;
      this.matchingPods = new ArrayList<>(pods);
    }

    @Override
    public StateData clone() {
      return new PreFilterState(services, matchingPods);
    }

    ServiceAffinityPredicate.Matching matching() {
      return new ServiceAffinityPredicate.Matching(services, List.copyOf(matchingPods));
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public Status preFilter(CycleState state, Pod pod) {
    ServiceAffinityPredicate.Matching m =
        ServiceAffinityPredicate.serviceAffinityMetadata(
            pod, handle.snapshotSharedLister(), services);
    state.write(PRE_FILTER_STATE_KEY, new PreFilterState(m.services(), m.pods()));
    return Status.SUCCESS;
  }

  @Override
  public PreFilterExtensions preFilterExtensions() {
    return new PreFilterExtensions() {
      @Override
      public Status addPod(CycleState state, Pod podToSchedule, Pod podToAdd, NodeInfo nodeInfo) {
        PreFilterState s = States.read(state, PRE_FILTER_STATE_KEY, PreFilterState.class);
        if (!Objects.equals(namespace(podToAdd), namespace(podToSchedule))) {
          return Status.SUCCESS;
        }
        if (SpreadSelector.fromSet(podToSchedule.getMetadata().getLabels())
            .matches(podToAdd.getMetadata().getLabels())) {
          s.matchingPods.add(podToAdd);
        }
        return Status.SUCCESS;
      }

      @Override
      public Status removePod(
          CycleState state, Pod podToSchedule, Pod podToRemove, NodeInfo nodeInfo) {
        PreFilterState s = States.read(state, PRE_FILTER_STATE_KEY, PreFilterState.class);
        if (s.matchingPods.isEmpty()
            || !Objects.equals(namespace(podToRemove), namespace(s.matchingPods.get(0)))) {
          return Status.SUCCESS;
        }
        for (int i = 0; i < s.matchingPods.size(); i++) {
          Pod p = s.matchingPods.get(i);
          if (Objects.equals(p.getMetadata().getName(), podToRemove.getMetadata().getName())
              && Objects.equals(namespace(p), namespace(podToRemove))) {
            s.matchingPods.remove(i);
            break;
          }
        }
        return Status.SUCCESS;
      }
    };
  }

  @Override
  public Status filter(CycleState state, Pod pod, NodeInfo nodeInfo) {
    if (args.labels().isEmpty()) {
      return Status.SUCCESS;
    }
    if (nodeInfo == null || nodeInfo.node() == null) {
      return Status.error("node not found");
    }
    PreFilterState s = States.read(state, PRE_FILTER_STATE_KEY, PreFilterState.class);
    return PredicateStatus.of(
        predicate.check(pod, s.matching(), nodeInfo, handle.snapshotSharedLister()),
        Code.UNSCHEDULABLE);
  }

  @Override
  public long score(CycleState state, Pod pod, String nodeName) {
    return score(state, pod, Snapshots.nodeInfo(handle, nodeName));
  }

  @Override
  public long score(CycleState state, Pod pod, NodeInfo nodeInfo) {
    if (nodeInfo.node() == null) {
      throw new StatusException(Status.error("node not found"));
    }
    SpreadSelector first = SpreadSelector.firstServiceSelector(pod, services);
    String ns = namespace(pod);
    return io.kubelab.scheduler.spread.SelectorSpread.countMatchingPods(
        ns, first == null ? SpreadSelector.EMPTY : first, nodeInfo);
  }

  @Override
  public ScoreExtensions scoreExtensions() {
    return this;
  }

  @Override
  public Status normalizeScore(CycleState state, Pod pod, NodeScoreList scores) {
    if (antiAffinity == null) {
      for (int i = 0; i < scores.size(); i++) {
        scores.setScore(i, 0);
      }
      return Status.SUCCESS;
    }
    antiAffinity.calculateAntiAffinityPriorityReduce(
        pod, null, handle.snapshotSharedLister(), scores);
    return Status.SUCCESS;
  }

  private static String namespace(Pod p) {
    String ns = p.getMetadata() == null ? null : p.getMetadata().getNamespace();
    return ns == null ? "" : ns;
  }
}
