package io.kubelab.book;

import java.util.ArrayList;
import java.util.List;

/**
 * A {@code console} block: commands (lines starting with {@code $ }, continued by a trailing
 * backslash) each followed by the output the chapter shows for it.
 */
public record ConsoleBlock(List<Step> steps) {

  /** One command, the line of the block it starts on (0-based), and the output shown for it. */
  public record Step(String command, int offset, List<String> shown) {}

  /** Splits a block's body into steps; lines before the first command are an error. */
  public static ConsoleBlock parse(String body) {
    List<Step> steps = new ArrayList<>();
    String[] lines = body.split("\n", -1);
    int i = 0;
    while (i < lines.length) {
      String line = lines[i];
      if (!line.startsWith("$ ")) {
        if (!line.isBlank()) {
          throw new IllegalArgumentException(
              "line " + (i + 1) + " of the block comes before any \"$ \" command: " + line);
        }
        i++;
        continue;
      }
      int start = i;
      StringBuilder cmd = new StringBuilder(line.substring(2));
      while (cmd.toString().endsWith("\\") && i + 1 < lines.length) {
        cmd.setLength(cmd.length() - 1);
        while (cmd.length() > 0 && Character.isWhitespace(cmd.charAt(cmd.length() - 1))) {
          cmd.setLength(cmd.length() - 1);
        }
        cmd.append(' ').append(lines[++i].trim());
      }
      i++;
      List<String> shown = new ArrayList<>();
      while (i < lines.length && !lines[i].startsWith("$ ")) {
        shown.add(lines[i]);
        i++;
      }
      while (!shown.isEmpty() && shown.get(shown.size() - 1).isBlank()) {
        shown.remove(shown.size() - 1);
      }
      steps.add(new Step(cmd.toString().trim(), start, List.copyOf(shown)));
    }
    return new ConsoleBlock(List.copyOf(steps));
  }
}
