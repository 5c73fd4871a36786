package io.kubelab.scheduler.extender;

import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.algorithm.policy.Policy;

/** Extender configurations written as a Policy's JSON, so the tests go through its parser too. */
final class Configs {

  private Configs() {}

  /** The one extender of {@code {"extenders":[{...}]}} with {@code fields} inside the braces. */
  static Policy.Extender extender(String fields) {
    return Policies.parse("{\"extenders\":[{" + fields + "}]}").extenders().get(0);
  }

  static HttpExtender http(String fields) {
    return HttpExtender.create(extender(fields));
  }
}
