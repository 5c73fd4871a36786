package io.kubelab.book;

import java.util.ArrayList;
import java.util.List;

/** Splits a command line into words the way a POSIX shell does for simple commands. */
final class Shell {

  private Shell() {}

  /**
   * The words of {@code line}: blanks separate words; single quotes keep everything literally;
   * double quotes keep blanks; a backslash outside single quotes escapes the next character.
   */
  static List<String> words(String line) {
    List<String> out = new ArrayList<>();
    StringBuilder w = new StringBuilder();
    boolean inWord = false;
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote == '\'') {
        if (c == '\'') {
          quote = 0;
        } else {
          w.append(c);
        }
      } else if (quote == '"') {
        if (c == '"') {
          quote = 0;
        } else if (c == '\\' && i + 1 < line.length()) {
          w.append(line.charAt(++i));
        } else {
          w.append(c);
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
        inWord = true;
      } else if (c == '\\' && i + 1 < line.length()) {
        w.append(line.charAt(++i));
        inWord = true;
      } else if (Character.isWhitespace(c)) {
        if (inWord) {
          out.add(w.toString());
          w.setLength(0);
          inWord = false;
        }
      } else {
        w.append(c);
        inWord = true;
      }
    }
    if (quote != 0) {
      throw new IllegalArgumentException("unclosed " + quote + " in: " + line);
    }
    if (inWord) {
      out.add(w.toString());
    }
    return out;
  }

  /** Does the line use shell syntax beyond one simple command (pipes, redirects, lists)? */
  static boolean isCompound(String line) {
    char quote = 0;
    for (int i = 0; i < line.length(); i++) {
      char c = line.charAt(i);
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        }
      } else if (c == '\'' || c == '"') {
        quote = c;
      } else if ("|&;<>`$(".indexOf(c) >= 0) {
        return true;
      }
    }
    return false;
  }
}
