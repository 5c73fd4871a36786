package io.kubelab.book;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The book as the checker reads it: {@code README.md} and every {@code chapters/*.md}. */
public record Book(Path root, Doc readme, Doc index, Doc answers, List<Doc> chapters) {

  /** Reads the book under the repository root {@code root}. */
  public static Book read(Path root) {
    Path dir = root.resolve("chapters");
    List<Doc> chapters = new ArrayList<>();
    try (Stream<Path> s = Files.list(dir)) {
      for (Path p : s.filter(x -> x.toString().endsWith(".md")).sorted().toList()) {
        chapters.add(Doc.read(root, p));
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Path answers = dir.resolve("answers.md");
    return new Book(
        root,
        Doc.read(root, root.resolve("README.md")),
        Doc.read(root, dir.resolve("README.md")),
        Files.isRegularFile(answers) ? Doc.read(root, answers) : null,
        List.copyOf(chapters));
  }

  /** README.md and every chapters/*.md (the index and the answers included). */
  public List<Doc> all() {
    List<Doc> all = new ArrayList<>();
    all.add(readme);
    all.addAll(chapters);
    return all;
  }

  /** The numbered chapters ({@code NN-name.md}). */
  public List<Doc> numbered() {
    return chapters.stream().filter(d -> d.chapterNumber() != null).toList();
  }
}
