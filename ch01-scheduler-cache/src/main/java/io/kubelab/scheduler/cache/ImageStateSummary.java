package io.kubelab.scheduler.cache;

/**
 * What a node knows about one of its images: its size and how many nodes had it when this node was
 * last set.
 *
 * <p>Upstream: {@code ImageStateSummary} in {@code pkg/scheduler/nodeinfo/node_info.go}. It is a
 * copied value: it does not change when other nodes later gain or lose the image, until this node
 * is updated again (see the chapter for why ch04's image locality tolerates that).
 *
 * @param size the image size in bytes
 * @param numNodes the number of nodes that had the image
 */
public record ImageStateSummary(long size, int numNodes) {}
