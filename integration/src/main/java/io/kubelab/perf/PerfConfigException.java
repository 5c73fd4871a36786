package io.kubelab.perf;

/**
 * A performance-config file, template or option kubelab perf cannot run, with one line naming the
 * test case, op and field. The CLI turns it into exit status 2.
 */
public final class PerfConfigException extends IllegalArgumentException {
  private static final long serialVersionUID = 1L;

  public PerfConfigException(String message) {
    super(message);
  }
}
