package io.kubelab.scheduler.algorithm;

/**
 * What the priorities precompute once per pod per scheduling cycle. Each chapter's priorities read
 * the parts they know; the type is open because ch04 and ch05 add to it.
 *
 * <p>Upstream: the {@code interface{}} returned by {@code PriorityMetadataProducer} ({@code
 * priorityMetadata} in {@code pkg/scheduler/algorithm/priorities/metadata.go}, v1.17).
 */
public interface PriorityMetadata {}
