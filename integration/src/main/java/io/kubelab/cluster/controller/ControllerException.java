package io.kubelab.cluster.controller;

/** A sync that failed and will be retried with back-off; the message says why. */
public final class ControllerException extends RuntimeException {

  private static final long serialVersionUID = 1L;

  public ControllerException(String message) {
    super(message);
  }
}
