package io.kubelab.kubelet.container;

/**
 * The outcome of a command run inside a container: its exit code and its merged stdout and stderr.
 *
 * <p>Upstream: the return values of {@code RunInContainer} / CRI {@code ExecSync} in {@code
 * pkg/kubelet/container/runtime.go}.
 */
public record ExecResult(int exitCode, String output) {}
