package io.kubelab.book;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import org.commonmark.ext.gfm.tables.TablesExtension;
import org.commonmark.ext.heading.anchor.IdGenerator;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.Image;
import org.commonmark.node.Link;
import org.commonmark.node.Node;
import org.commonmark.node.SourceSpan;
import org.commonmark.node.Text;
import org.commonmark.parser.IncludeSourceSpans;
import org.commonmark.parser.Parser;

/**
 * One Markdown file of the book, parsed (CommonMark with GitHub's tables), with the parts the rules
 * look at: headings and their anchors, links, code spans, fenced blocks and H2 sections.
 */
public final class Doc {

  private static final Parser PARSER =
      Parser.builder()
          .extensions(List.of(TablesExtension.create()))
          .includeSourceSpans(IncludeSourceSpans.BLOCKS_AND_INLINES)
          .build();

  /** A heading: level, its text as rendered, the line (1-based) and GitHub's anchor for it. */
  public record Heading2(int level, String text, int line, String anchor, Heading node) {}

  /** A link or image: destination, the text shown, the line. */
  public record LinkRef(String destination, String text, int line, boolean image) {}

  /** An inline code span; {@code linkDestination} is set when the span is a link's text. */
  public record CodeSpan(String literal, int line, String linkDestination) {}

  /** A fenced block: its info string, body and the line of its opening fence. */
  public record Fence(String info, String body, int line) {
    public boolean isMermaid() {
      return info.equals("mermaid");
    }

    public boolean isCheckedConsole() {
      return info.equals("console check");
    }

    public boolean isShell() {
      return info.equals("console")
          || info.equals("console check")
          || info.equals("bash")
          || info.equals("sh")
          || info.equals("shell");
    }
  }

  private final String name;
  private final Path path;
  private final String text;
  private final Node document;
  private final List<Heading2> headings = new ArrayList<>();
  private final List<LinkRef> links = new ArrayList<>();
  private final List<CodeSpan> codeSpans = new ArrayList<>();
  private final List<Fence> fences = new ArrayList<>();

  private Doc(String name, Path path, String text) {
    this.name = name;
    this.path = path;
    this.text = text;
    this.document = PARSER.parse(text);
    IdGenerator ids = IdGenerator.builder().build();
    document.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Heading h) {
            String t = textOf(h);
            headings.add(new Heading2(h.getLevel(), t, lineOf(h), ids.generateId(t), h));
            visitChildren(h);
          }

          @Override
          public void visit(Link link) {
            links.add(new LinkRef(link.getDestination(), textOf(link), lineOf(link), false));
            visitChildren(link);
          }

          @Override
          public void visit(Image image) {
            links.add(new LinkRef(image.getDestination(), textOf(image), lineOf(image), true));
            visitChildren(image);
          }

          @Override
          public void visit(Code code) {
            codeSpans.add(new CodeSpan(code.getLiteral(), lineOf(code), enclosingLink(code)));
          }

          @Override
          public void visit(FencedCodeBlock block) {
            String info = block.getInfo() == null ? "" : block.getInfo().trim();
            fences.add(new Fence(info, block.getLiteral(), lineOf(block)));
          }
        });
  }

  /** Reads and parses {@code file}; {@code name} is its path from the repository root. */
  public static Doc read(Path root, Path file) {
    try {
      String name = root.relativize(file).toString().replace('\\', '/');
      return new Doc(name, file, Files.readString(file, StandardCharsets.UTF_8));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Parses {@code text} as if it were the file {@code name} (for tests). */
  public static Doc of(String name, Path path, String text) {
    return new Doc(name, path, text);
  }

  public String name() {
    return name;
  }

  public Path path() {
    return path;
  }

  public String text() {
    return text;
  }

  public Node document() {
    return document;
  }

  /** The file name without folders, e.g. {@code 00-foundations.md}. */
  public String fileName() {
    return path.getFileName().toString();
  }

  /** The two-digit chapter number of a {@code NN-name.md} file, or null. */
  public String chapterNumber() {
    String f = fileName();
    return f.matches("\\d\\d-.*\\.md") ? f.substring(0, 2) : null;
  }

  public List<Heading2> headings() {
    return headings;
  }

  public List<LinkRef> links() {
    return links;
  }

  public List<CodeSpan> codeSpans() {
    return codeSpans;
  }

  public List<Fence> fences() {
    return fences;
  }

  /** GitHub's anchors of this file's headings. */
  public Set<String> anchors() {
    Set<String> a = new LinkedHashSet<>();
    headings.forEach(h -> a.add(h.anchor()));
    return a;
  }

  /** The top-level nodes under the H2 heading whose text is {@code title}, up to the next H2. */
  public List<Node> section(String title) {
    List<Node> out = new ArrayList<>();
    boolean in = false;
    for (Node n = document.getFirstChild(); n != null; n = n.getNext()) {
      if (n instanceof Heading h && h.getLevel() <= 2) {
        if (in) {
          break;
        }
        in = h.getLevel() == 2 && textOf(h).equals(title);
        continue;
      }
      if (in) {
        out.add(n);
      }
    }
    return out;
  }

  /** The 1-based line a node starts on (0 when the parser kept no position). */
  public static int lineOf(Node n) {
    for (Node x = n; x != null; x = x.getParent()) {
      List<SourceSpan> spans = x.getSourceSpans();
      if (spans != null && !spans.isEmpty()) {
        return spans.get(0).getLineIndex() + 1;
      }
    }
    return 0;
  }

  /** The text a node renders as: its text and code spans, concatenated. */
  public static String textOf(Node n) {
    StringBuilder sb = new StringBuilder();
    n.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Text t) {
            sb.append(t.getLiteral());
          }

          @Override
          public void visit(Code c) {
            sb.append(c.getLiteral());
          }
        });
    return sb.toString();
  }

  private static String enclosingLink(Node n) {
    for (Node x = n.getParent(); x != null; x = x.getParent()) {
      if (x instanceof Link l) {
        return l.getDestination();
      }
    }
    return null;
  }
}
