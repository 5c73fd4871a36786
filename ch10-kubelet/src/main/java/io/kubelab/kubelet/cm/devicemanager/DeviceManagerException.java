package io.kubelab.kubelet.cm.devicemanager;

/** A device manager operation failed; the message is upstream's error text. */
public final class DeviceManagerException extends Exception {
  private static final long serialVersionUID = 1L;

  public DeviceManagerException(String message) {
    super(message);
  }

  public DeviceManagerException(String message, Throwable cause) {
    super(message, cause);
  }
}
