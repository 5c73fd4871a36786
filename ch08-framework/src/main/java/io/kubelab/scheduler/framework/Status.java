package io.kubelab.scheduler.framework;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;

/**
 * The result of running a plugin: a {@link Code} and, unless it is a success, the reasons.
 *
 * <p>Upstream: {@code Status}, {@code NewStatus}, {@code Message}, {@code IsSuccess}, {@code
 * IsUnschedulable} and {@code AsError} in {@code pkg/scheduler/framework/v1alpha1/interface.go}
 * (v1.18). Upstream treats a nil {@code *Status} as success; plugins here may return null for the
 * same meaning, and the framework reads it through {@link #codeOf}. Unlike upstream's status, this
 * one is immutable: {@code AppendReason} becomes {@link #withReason}, which returns a new status,
 * so a status can be shared between threads and recorded without copying.
 */
public final class Status {

  /** Success without reasons; what a null status means. */
  public static final Status SUCCESS = new Status(Code.SUCCESS, List.of());

  private final Code code;
  private final List<String> reasons;

  private Status(Code code, List<String> reasons) {
    this.code = Objects.requireNonNull(code, "code");
    this.reasons = reasons;
  }

  /** Upstream's {@code NewStatus(code, reasons...)}. */
  public static Status of(Code code, String... reasons) {
    if (code == Code.SUCCESS && reasons.length == 0) {
      return SUCCESS;
    }
    return new Status(code, List.of(reasons));
  }

  /** A status with these reasons, in order. */
  public static Status of(Code code, List<String> reasons) {
    return new Status(code, List.copyOf(reasons));
  }

  /** {@code NewStatus(Unschedulable, reasons...)}. */
  public static Status unschedulable(String... reasons) {
    return of(Code.UNSCHEDULABLE, reasons);
  }

  /** {@code NewStatus(UnschedulableAndUnresolvable, reasons...)}. */
  public static Status unschedulableAndUnresolvable(String... reasons) {
    return of(Code.UNSCHEDULABLE_AND_UNRESOLVABLE, reasons);
  }

  /** {@code NewStatus(Error, message)}. */
  public static Status error(String message) {
    return of(Code.ERROR, message);
  }

  /** {@code s.Code()}: {@link Code#SUCCESS} for a null status. */
  public static Code codeOf(Status s) {
    return s == null ? Code.SUCCESS : s.code;
  }

  /** {@code s.IsSuccess()} for a possibly null status. */
  public static boolean isSuccess(Status s) {
    return s == null || s.code == Code.SUCCESS;
  }

  /** The status itself, or {@link #SUCCESS} for null. */
  public static Status orSuccess(Status s) {
    return s == null ? SUCCESS : s;
  }

  public Code code() {
    return code;
  }

  /** The reasons, in order; empty for a success. */
  public List<String> reasons() {
    return reasons;
  }

  /** {@code Message()}: the reasons joined with {@code ", "}. */
  public String message() {
    return String.join(", ", reasons);
  }

  /** {@code IsSuccess()}. */
  public boolean isSuccess() {
    return code == Code.SUCCESS;
  }

  /** {@code IsUnschedulable()}: Unschedulable or UnschedulableAndUnresolvable. */
  public boolean isUnschedulable() {
    return code == Code.UNSCHEDULABLE || code == Code.UNSCHEDULABLE_AND_UNRESOLVABLE;
  }

  /**
   * {@code AppendReason}: a status with the same code and one more reason. Upstream mutates the
   * status in place; the generic scheduler uses it to add an extender's verdict to a node's.
   */
  public Status withReason(String reason) {
    List<String> more = new ArrayList<>(reasons.size() + 1);
    more.addAll(reasons);
    more.add(reason);
    return new Status(code, List.copyOf(more));
  }

  /**
   * {@code AsError()}: null for a success, otherwise an exception whose message is {@link
   * #message()}.
   */
  public StatusException asError() {
    return isSuccess() ? null : new StatusException(this);
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Status s && s.code == code && s.reasons.equals(reasons);
  }

  @Override
  public int hashCode() {
    return code.hashCode() * 31 + reasons.hashCode();
  }

  @Override
  public String toString() {
    return reasons.isEmpty() ? code.toString() : code + Arrays.toString(reasons.toArray());
  }
}
