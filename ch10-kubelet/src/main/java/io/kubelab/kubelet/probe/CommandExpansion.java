package io.kubelab.kubelet.probe;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Expands {@code $(VAR)} references in an exec probe's command from the container's static
 * environment.
 *
 * <p>Upstream: {@code pkg/kubelet/container/helpers.go} ({@code ExpandContainerCommandOnlyStatic})
 * and {@code third_party/forked/golang/expansion/expand.go}: {@code $(VAR)} becomes the value when
 * VAR is defined and stays as written when it is not; {@code $$} is an escaped {@code $}; any other
 * {@code $} is literal, and so is a {@code $(} that is never closed, after which scanning goes on
 * (a later {@code $$} is still unescaped). Variables set with {@code valueFrom} expand to "" (only
 * static values are known here).
 */
public final class CommandExpansion {
  private CommandExpansion() {}

  public static List<String> expand(List<String> command, Map<String, String> env) {
    List<String> out = new ArrayList<>(command.size());
    for (String arg : command) {
      out.add(expand(arg, env));
    }
    return out;
  }

  static String expand(String input, Map<String, String> env) {
    StringBuilder sb = new StringBuilder(input.length());
    int i = 0;
    while (i < input.length()) {
      char c = input.charAt(i);
      if (c != '$' || i + 1 >= input.length()) {
        sb.append(c);
        i++;
        continue;
      }
      char next = input.charAt(i + 1);
      if (next == '$') {
        sb.append('$');
        i += 2;
      } else if (next == '(') {
        int close = input.indexOf(')', i + 2);
        if (close < 0) {
          // Unterminated: "$(" is written as is and scanning resumes after it.
          sb.append("$(");
          i += 2;
          continue;
        }
        String name = input.substring(i + 2, close);
        String value = env.get(name);
        sb.append(value != null ? value : "$(" + name + ")");
        i = close + 1;
      } else {
        sb.append(c).append(next);
        i += 2;
      }
    }
    return sb.toString();
  }
}
