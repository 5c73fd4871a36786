/**
 * The messages a kube-scheduler and an extender exchange, field for field as upstream declares them
 * in {@code pkg/scheduler/apis/extender/v1/types.go} (v1.17; v1.18 moved the same types to {@code
 * staging/src/k8s.io/kube-scheduler/extender/v1/types.go}).
 *
 * <p>Upstream's types carry no JSON tags, so Go's {@code encoding/json} writes the Go field names
 * as they are ({@code Pod}, {@code NodeNames}, {@code FailedNodes}, ...), writes a nil pointer, map
 * or slice as {@code null}, sorts map keys, and reads field names case-insensitively. {@link
 * io.kubelab.scheduler.extender.v1.ExtenderJson} does the same, so an extender written for upstream
 * works unchanged against kubelab and the other way round. Pods and nodes inside the messages are
 * Kubernetes JSON, read and written by fabric8's model.
 */
package io.kubelab.scheduler.extender.v1;
