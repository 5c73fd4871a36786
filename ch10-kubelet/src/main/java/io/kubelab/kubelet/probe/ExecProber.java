package io.kubelab.kubelet.probe;

import io.kubelab.kubelet.container.ContainerId;
import io.kubelab.kubelet.container.ContainerRuntimeException;
import io.kubelab.kubelet.container.ExecResult;
import io.kubelab.kubelet.container.Runtime;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;

/**
 * Exec probe: runs a command in the container through the runtime; exit code 0 is success, any
 * other exit code is failure, and a failure to run the command at all is an error.
 *
 * <p>Upstream: {@code pkg/probe/exec/exec.go} with {@code pkg/kubelet/prober/prober.go} ({@code
 * newExecInContainer}). Output (stdout and stderr merged by the runtime) is capped at {@value
 * #MAX_READ_LENGTH} bytes.
 */
public final class ExecProber {

  /** Upstream {@code maxReadLength}: 10 KiB. */
  public static final int MAX_READ_LENGTH = 10 * 1024;

  private final Runtime runtime;

  public ExecProber(Runtime runtime) {
    this.runtime = runtime;
  }

  public ProbeOutcome probe(ContainerId id, List<String> command, Duration timeout) {
    ExecResult r;
    try {
      r = runtime.runInContainer(id, command, timeout);
    } catch (ContainerRuntimeException e) {
      return ProbeOutcome.error(e);
    }
    String output = truncate(r.output());
    return ProbeOutcome.of(r.exitCode() == 0 ? ProbeResult.SUCCESS : ProbeResult.FAILURE, output);
  }

  static String truncate(String s) {
    byte[] bytes = s.getBytes(StandardCharsets.UTF_8);
    if (bytes.length <= MAX_READ_LENGTH) {
      return s;
    }
    return new String(bytes, 0, MAX_READ_LENGTH, StandardCharsets.UTF_8);
  }
}
