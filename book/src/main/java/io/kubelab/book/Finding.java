package io.kubelab.book;

/** One thing the checker found wrong: where it is, which rule it breaks, and what to do. */
public record Finding(String file, int line, String rule, String message) {

  @Override
  public String toString() {
    return file + ":" + line + ": [" + rule + "] " + message;
  }
}
