package io.kubelab.book;

import java.util.List;
import java.util.Optional;

/**
 * Does the output a chapter shows appear in the real output? Every shown line must match a real
 * line, in order, each real line matching at most one shown line. A shown line that is just {@code
 * ...} stands for any number of omitted lines; elsewhere lines are consecutive: without a {@code
 * ...} between them, two shown lines must match two adjacent real lines, and the first shown line
 * must match the first real line (after blank lines); the output may stop before the real output
 * does. Within a line, {@code ...} stands for omitted text, and the line may be trimmed at either
 * end: a shown line matches a real line when its pieces between {@code ...} occur in the real line
 * in order.
 */
public final class OutputMatcher {

  private OutputMatcher() {}

  /** Empty when {@code shown} appears in {@code real}; otherwise what went wrong, for a reader. */
  public static Optional<String> mismatch(List<String> shown, List<String> real) {
    return match(shown, 0, real, 0, false);
  }

  /**
   * Like {@link #mismatch}, for output the checker could rebuild only in part (a Maven run, see
   * {@link MavenOutput}): shown lines must appear in order, and any may be omitted between them.
   */
  public static Optional<String> mismatchInPart(List<String> shown, List<String> partOfReal) {
    List<String> withGaps = new java.util.ArrayList<>();
    for (String line : shown) {
      withGaps.add("...");
      withGaps.add(line);
    }
    return match(withGaps, 0, partOfReal, 0, false);
  }

  private static Optional<String> match(
      List<String> shown, int s, List<String> real, int r, boolean gap) {
    // Iterative over adjacent lines, recursive only at gaps (a "..." line), where the next shown
    // line may match any later real line: try each in turn and keep the first that works.
    while (s < shown.size()) {
      String want = shown.get(s);
      if (want.strip().equals("...")) {
        gap = true;
        s++;
        continue;
      }
      if (gap) {
        Optional<String> firstFailure = Optional.empty();
        for (int k = r; k < real.size(); k++) {
          if (lineMatches(want, real.get(k))) {
            Optional<String> rest = match(shown, s + 1, real, k + 1, false);
            if (rest.isEmpty()) {
              return rest;
            }
            if (firstFailure.isEmpty()) {
              firstFailure = rest;
            }
          }
        }
        return firstFailure.isPresent()
            ? firstFailure
            : Optional.of(
                "shown line \"" + want + "\" does not appear in the output (after line " + r + ")");
      }
      if (s == 0) {
        while (r < real.size() && real.get(r).isBlank() && !want.isBlank()) {
          r++;
        }
      }
      if (r >= real.size()) {
        return Optional.of("shown line \"" + want + "\" is past the end of the output");
      }
      if (!lineMatches(want, real.get(r))) {
        return Optional.of(
            "shown line \""
                + want
                + "\" does not match output line "
                + (r + 1)
                + ": \""
                + real.get(r)
                + "\""
                + (s == 0
                    ? " (start the block's output with ... to skip lines)"
                    : " (put a ... line between them to skip lines)"));
      }
      s++;
      r++;
    }
    return Optional.empty();
  }

  /** Do the pieces of {@code shown} between {@code ...} occur in {@code real}, in order? */
  public static boolean lineMatches(String shown, String real) {
    String want = shown.stripTrailing();
    String have = real.stripTrailing();
    if (want.isEmpty()) {
      return have.isEmpty();
    }
    int at = 0;
    for (String piece : want.split("\\.\\.\\.", -1)) {
      if (piece.isEmpty()) {
        continue;
      }
      int found = have.indexOf(piece, at);
      if (found < 0) {
        return false;
      }
      at = found + piece.length();
    }
    return true;
  }
}
