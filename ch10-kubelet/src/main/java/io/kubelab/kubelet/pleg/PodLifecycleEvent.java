package io.kubelab.kubelet.pleg;

/**
 * One event for the kubelet's sync loop: pod {@code id} had container {@code data} do {@code type}.
 *
 * <p>Upstream: {@code pkg/kubelet/pleg/pleg.go} ({@code PodLifecycleEvent}). {@code data} is the
 * container's bare runtime ID (without the {@code type://} prefix), as upstream sends {@code
 * cid.ID}.
 */
public record PodLifecycleEvent(String id, PodLifeCycleEventType type, String data) {}
