/**
 * Preemption: when no node fits a pod, evict lower-priority pods from one node to make room.
 *
 * <p>Upstream: {@code Preempt} and its helpers in {@code pkg/scheduler/core/generic_scheduler.go}
 * and {@code Scheduler.preempt} in {@code pkg/scheduler/scheduler.go} (Kubernetes v1.17). {@link
 * io.kubelab.scheduler.preemption.Preemption} chooses the node and the victims without side
 * effects; {@link io.kubelab.scheduler.preemption.SchedulerPreemption} applies the choice through
 * the small interfaces the scheduler loop (ch08) and the integration supply.
 */
package io.kubelab.scheduler.preemption;
