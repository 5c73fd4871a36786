package io.kubelab.scheduler.algorithm;

/**
 * The outcome of one successful {@link GenericScheduler#schedule}.
 *
 * <p>Upstream: {@code ScheduleResult} in {@code pkg/scheduler/core/generic_scheduler.go} (v1.17).
 *
 * @param suggestedHost the chosen node's name
 * @param evaluatedNodes how many nodes the predicates looked at this cycle (feasible + failed)
 * @param feasibleNodes how many of them passed, at most {@code numFeasibleNodesToFind}
 */
public record ScheduleResult(String suggestedHost, int evaluatedNodes, int feasibleNodes) {}
