package io.kubelab.kubelet.probe;

/**
 * A prober's answer: the result, its output (body, command output or error text) and, when the
 * probe could not be run at all, the error. Upstream returns the triple {@code (Result, string,
 * error)} from every {@code Probe} method in {@code pkg/probe/{http,tcp,exec}}.
 */
public record ProbeOutcome(ProbeResult result, String output, Exception error) {

  public static ProbeOutcome of(ProbeResult result, String output) {
    return new ProbeOutcome(result, output, null);
  }

  public static ProbeOutcome error(Exception error) {
    return new ProbeOutcome(ProbeResult.UNKNOWN, "", error);
  }
}
