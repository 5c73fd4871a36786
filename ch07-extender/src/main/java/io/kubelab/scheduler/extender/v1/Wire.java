package io.kubelab.scheduler.extender.v1;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Copies that keep Go's distinction between a nil slice or map ({@code null} on the wire) and an
 * empty one ({@code []}, <code>{}</code>), and keep null elements: Go decodes {@code null} inside a
 * slice or map as the element's zero value, and the reader of a message decides what that means.
 */
final class Wire {

  private Wire() {}

  static <T> List<T> copyOrNull(List<T> list) {
    return list == null ? null : Collections.unmodifiableList(new ArrayList<>(list));
  }

  static <K, V> Map<K, V> copyOrNull(Map<K, V> map) {
    return map == null ? null : Collections.unmodifiableMap(new LinkedHashMap<>(map));
  }
}
