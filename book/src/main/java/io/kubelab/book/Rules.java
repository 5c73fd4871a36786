package io.kubelab.book;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.commonmark.node.AbstractVisitor;
import org.commonmark.node.BulletList;
import org.commonmark.node.Code;
import org.commonmark.node.FencedCodeBlock;
import org.commonmark.node.Heading;
import org.commonmark.node.Link;
import org.commonmark.node.ListItem;
import org.commonmark.node.Node;
import org.commonmark.node.OrderedList;
import org.commonmark.node.StrongEmphasis;
import org.commonmark.node.Text;

/**
 * The rules of the book that a program can check. Each returns what it finds in one document; an
 * empty list means the document keeps the rule. {@link io.kubelab.book} (BookTest) applies them.
 */
public final class Rules {

  private Rules() {}

  // ---------------------------------------------------------------------------------------------
  // Links

  /**
   * Every relative link (and image) resolves inside the repository: the file or folder exists, and
   * a {@code #anchor} names a heading of the Markdown file it points into (GitHub's anchors), or a
   * line ({@code #L12}, {@code #L12-L20}) of another file.
   */
  public static List<Finding> links(Doc d, Path root) {
    List<Finding> out = new ArrayList<>();
    for (Doc.LinkRef l : d.links()) {
      String dest = l.destination();
      if (dest.isEmpty()) {
        out.add(
            new Finding(d.name(), l.line(), "links", "empty link target for \"" + l.text() + "\""));
        continue;
      }
      if (dest.matches("^[a-zA-Z][a-zA-Z0-9+.-]*:.*")) {
        continue; // https:, mailto: ...
      }
      int hash = dest.indexOf('#');
      String file = hash < 0 ? dest : dest.substring(0, hash);
      String anchor = hash < 0 ? null : dest.substring(hash + 1);
      Path target = file.isEmpty() ? d.path() : d.path().getParent().resolve(file).normalize();
      if (!target.startsWith(root.normalize())) {
        out.add(new Finding(d.name(), l.line(), "links", dest + " points outside the repository"));
        continue;
      }
      if (!Files.exists(target)) {
        out.add(new Finding(d.name(), l.line(), "links", dest + ": no such file or folder"));
        continue;
      }
      if (anchor == null) {
        continue;
      }
      if (target.toString().endsWith(".md")) {
        Doc t = target.equals(d.path()) ? d : Doc.read(root, target);
        if (!t.anchors().contains(anchor)) {
          out.add(
              new Finding(
                  d.name(),
                  l.line(),
                  "links",
                  dest + ": no heading with anchor #" + anchor + " in " + t.name()));
        }
      } else {
        Matcher m = Pattern.compile("L(\\d+)(?:-L(\\d+))?").matcher(anchor);
        long lines = Files.isRegularFile(target) ? lineCount(target) : 0;
        if (!m.matches()) {
          out.add(
              new Finding(
                  d.name(),
                  l.line(),
                  "links",
                  dest + ": #" + anchor + " is not a line anchor (#L12)"));
        } else if (Long.parseLong(m.group(m.group(2) == null ? 1 : 2)) > lines) {
          out.add(
              new Finding(
                  d.name(), l.line(), "links", dest + ": the file has " + lines + " lines"));
        }
      }
    }
    return out;
  }

  private static final Pattern UPSTREAM =
      Pattern.compile(
          "https?://(?:github\\.com|raw\\.githubusercontent\\.com)/(kubernetes(?:-sigs)?/[\\w.-]+)/(?:(?:blob|tree|raw)/)?([^/\\s)>]+)/[^\\s)>]*");
  private static final Pattern PINNED =
      Pattern.compile("v\\d+\\.\\d+\\.\\d+(?:-[0-9A-Za-z.]+)?|[0-9a-f]{40}");

  /** Every link into upstream's source names a tag (or a commit), never a moving branch. */
  public static List<Finding> upstreamPins(Doc d) {
    List<Finding> out = new ArrayList<>();
    String[] lines = d.text().split("\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Matcher m = UPSTREAM.matcher(lines[i]);
      while (m.find()) {
        String url = m.group();
        if (!url.matches(".*/(blob|tree|raw)/.*") && !url.contains("raw.githubusercontent")) {
          continue; // issues, pulls, the repository itself: not source
        }
        if (!PINNED.matcher(m.group(2)).matches()) {
          out.add(
              new Finding(
                  d.name(),
                  i + 1,
                  "upstream-pins",
                  url + ": pin upstream links to a tag (e.g. v1.18.0), not " + m.group(2)));
        }
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Names

  private static final Pattern TEST_CLASS =
      Pattern.compile("[A-Z][A-Za-z0-9]*(?:Test|Tests|IT|Benchmark)");
  private static final Pattern TEST_MEMBER =
      Pattern.compile("([A-Z][A-Za-z0-9]*(?:Test|Tests|IT|Benchmark))[.#]([a-z][A-Za-z0-9_]*)");
  private static final Pattern LONG_CAMEL = Pattern.compile("[a-z][a-z0-9]*(?:[A-Z][a-z0-9]*){3,}");

  /**
   * Every test or benchmark a document cites in a code span exists: {@code FooTest}, {@code
   * FooBenchmark} (a class in some module's test sources), {@code FooTest.bar} or {@code
   * FooTest#bar} (a method of that class), and every long camel-case name ({@code
   * aNodeAddedToAnExhaustedZoneIsStillPickedUp}, four words or more), which must be an identifier
   * in the Java code. A name that exists only upstream is cited as the text of a link to upstream.
   */
  public static List<Finding> citedNames(Doc d, SourceIndex index) {
    List<Finding> out = new ArrayList<>();
    for (Doc.CodeSpan c : d.codeSpans()) {
      String name = c.literal().trim().replaceFirst("\\(\\)$", "");
      boolean upstreamLink =
          c.linkDestination() != null && UPSTREAM.matcher(c.linkDestination()).lookingAt();
      Matcher member = TEST_MEMBER.matcher(name);
      if (TEST_CLASS.matcher(name).matches()) {
        if (index.testClassesNamed(name).isEmpty() && !upstreamLink) {
          out.add(
              new Finding(
                  d.name(), c.line(), "names", "`" + name + "`: no such test or benchmark class"));
        }
      } else if (member.matches()) {
        List<TestClass> classes = index.testClassesNamed(member.group(1));
        if (classes.isEmpty()) {
          out.add(
              new Finding(
                  d.name(), c.line(), "names", "`" + name + "`: no class " + member.group(1)));
        } else if (classes.stream().noneMatch(t -> t.methods().contains(member.group(2)))) {
          out.add(
              new Finding(
                  d.name(),
                  c.line(),
                  "names",
                  "`" + name + "`: " + member.group(1) + " has no method " + member.group(2)));
        }
      } else if (LONG_CAMEL.matcher(name).matches() && !index.isIdentifier(name) && !upstreamLink) {
        out.add(
            new Finding(
                d.name(),
                c.line(),
                "names",
                "`"
                    + name
                    + "` is no test, method or other name in the Java code"
                    + " (an upstream-only name is cited as a link to upstream)"));
      }
    }
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // The chapter format

  /** The H2 sections every numbered chapter has, in this order ({@code ## Exercises} last). */
  public static final List<String> REQUIRED_SECTIONS =
      List.of(
          "The problem",
          "Where we differ from upstream",
          "Try it",
          "Benchmarks",
          "Summary",
          "What's next",
          "Exercises");

  /**
   * Sections a chapter may leave out. Chapter 13 tours the whole stack rather than rebuilding one
   * mechanism: its problem and deviations are its chapters', and it has no benchmark of its own.
   * Every other chapter, 00 and the control plane (11) included, has all seven.
   */
  public static final Map<String, Set<String>> OPTIONAL_SECTIONS =
      Map.of("13", Set.of("The problem", "Where we differ from upstream", "Benchmarks"));

  /**
   * A numbered chapter opens with {@code # NN Title} and a pinned upstream link before its first
   * section, has the required sections in order with {@code ## Exercises} last, at least one {@code
   * console check} block in "Try it", bullets in "Summary", and in "Benchmarks" the machine's size
   * (cores) and figures with their error (±).
   */
  public static List<Finding> sections(Doc d) {
    List<Finding> out = new ArrayList<>();
    String nn = d.chapterNumber();
    if (nn == null) {
      return out;
    }
    List<Doc.Heading2> hs = d.headings();
    if (hs.isEmpty() || hs.get(0).level() != 1 || !hs.get(0).text().matches(nn + " \\S.*")) {
      out.add(new Finding(d.name(), 1, "sections", "a chapter starts with \"# " + nn + " Title\""));
    }
    if (hs.stream().filter(h -> h.level() == 1).count() > 1) {
      out.add(new Finding(d.name(), 1, "sections", "one \"# \" heading per chapter"));
    }
    boolean opensWithUpstream = false;
    for (Node n = d.document().getFirstChild(); n != null; n = n.getNext()) {
      if (n instanceof Heading h && h.getLevel() == 2) {
        break;
      }
      List<String> dests = new ArrayList<>();
      n.accept(
          new AbstractVisitor() {
            @Override
            public void visit(Link link) {
              dests.add(link.getDestination());
            }
          });
      opensWithUpstream |= dests.stream().anyMatch(x -> UPSTREAM.matcher(x).lookingAt());
    }
    if (!opensWithUpstream) {
      out.add(
          new Finding(
              d.name(),
              1,
              "sections",
              "the opening (before the first ## section) links the upstream code it models, pinned to a tag"));
    }
    List<String> h2 = hs.stream().filter(h -> h.level() == 2).map(Doc.Heading2::text).toList();
    Set<String> optional = OPTIONAL_SECTIONS.getOrDefault(nn, Set.of());
    int last = -1;
    for (String s : REQUIRED_SECTIONS) {
      int at = h2.indexOf(s);
      if (at < 0) {
        if (!optional.contains(s)) {
          out.add(new Finding(d.name(), 1, "sections", "missing section \"## " + s + "\""));
        }
        continue;
      }
      if (h2.lastIndexOf(s) != at) {
        out.add(new Finding(d.name(), 1, "sections", "\"## " + s + "\" appears twice"));
      }
      if (at < last) {
        out.add(
            new Finding(
                d.name(),
                1,
                "sections",
                "\"## " + s + "\" is out of order; the order is " + REQUIRED_SECTIONS));
      }
      last = Math.max(last, at);
    }
    if (!h2.isEmpty() && h2.contains("Exercises") && !h2.get(h2.size() - 1).equals("Exercises")) {
      out.add(new Finding(d.name(), 1, "sections", "\"## Exercises\" is the last section"));
    }
    if (h2.contains("Try it")
        && d.section("Try it").stream()
            .noneMatch(n -> n instanceof FencedCodeBlock f && "console check".equals(info(f)))) {
      out.add(new Finding(d.name(), 1, "sections", "\"## Try it\" has no ```console check block"));
    }
    if (h2.contains("Summary")
        && d.section("Summary").stream().noneMatch(n -> n instanceof BulletList)) {
      out.add(new Finding(d.name(), 1, "sections", "\"## Summary\" is a few bullets"));
    }
    if (h2.contains("Benchmarks")) {
      String text = d.section("Benchmarks").stream().map(Rules::raw).reduce("", String::concat);
      if (!text.matches("(?s).*\\b\\d+ cores?\\b.*")) {
        out.add(
            new Finding(
                d.name(),
                1,
                "sections",
                "\"## Benchmarks\" names the machine's size (\"2 cores\")"));
      }
      if (!text.contains("±")) {
        out.add(
            new Finding(
                d.name(), 1, "sections", "\"## Benchmarks\" quotes figures with their error (±)"));
      }
    }
    return out;
  }

  private static String info(FencedCodeBlock f) {
    return f.getInfo() == null ? "" : f.getInfo().trim();
  }

  /** A node's text, code and fenced blocks included. */
  private static String raw(Node n) {
    StringBuilder sb = new StringBuilder();
    n.accept(
        new AbstractVisitor() {
          @Override
          public void visit(Text t) {
            sb.append(t.getLiteral()).append(' ');
          }

          @Override
          public void visit(Code c) {
            sb.append(c.getLiteral()).append(' ');
          }

          @Override
          public void visit(FencedCodeBlock f) {
            sb.append(f.getLiteral()).append('\n');
          }
        });
    return sb.toString();
  }

  // ---------------------------------------------------------------------------------------------
  // Exercises

  private static final List<String> LABELS = List.of("Change:", "Run:", "Fails:", "Expected:");

  /**
   * Every exercise (an item of a numbered list under {@code ## Exercises}) opens with a bold title
   * and has, in order, {@code **Change:**}, {@code **Run:**} (a {@code ./mvnw} command that works
   * as written), {@code **Fails:**} (a test that exists in the module the command runs) and {@code
   * **Expected:**}. At least one is a "Write it" exercise (its title starts with "Write it"): it
   * changes a skeleton under {@code src/test/java/.../exercises/} whose method throws {@code
   * UnsupportedOperationException("exercise")}, its command runs with {@code -Pexercise} a grading
   * test tagged {@code exercise}, and {@code chapters/answers.md} has the answer under the
   * chapter's own heading ({@code ## NN Title}), naming the skeleton.
   */
  public static List<Finding> exercises(
      Doc d, SourceIndex index, Doc answers, Set<String> profiles) {
    List<Finding> out = new ArrayList<>();
    if (d.chapterNumber() == null
        || !d.headings().stream().anyMatch(h -> h.level() == 2 && h.text().equals("Exercises"))) {
      return out;
    }
    List<ListItem> items = new ArrayList<>();
    for (Node n : d.section("Exercises")) {
      if (n instanceof OrderedList ol) {
        for (Node i = ol.getFirstChild(); i != null; i = i.getNext()) {
          items.add((ListItem) i);
        }
      }
    }
    if (items.isEmpty()) {
      out.add(
          new Finding(
              d.name(), 1, "exercises", "\"## Exercises\" is a numbered list of exercises"));
      return out;
    }
    boolean writeIt = false;
    for (ListItem item : items) {
      int line = Doc.lineOf(item);
      List<StrongEmphasis> strong = new ArrayList<>();
      item.accept(
          new AbstractVisitor() {
            @Override
            public void visit(StrongEmphasis s) {
              strong.add(s);
            }
          });
      List<String> labels = strong.stream().map(Doc::textOf).map(String::trim).toList();
      String title = labels.isEmpty() ? "" : labels.get(0);
      if (title.isEmpty() || LABELS.contains(title)) {
        out.add(
            new Finding(
                d.name(),
                line,
                "exercises",
                "an exercise opens with a bold title (**Break the cache.**)"));
      }
      int last = -1;
      boolean ordered = true;
      for (String label : LABELS) {
        int at = labels.indexOf(label);
        if (at < 0) {
          out.add(
              new Finding(
                  d.name(), line, "exercises", "\"" + title + "\" has no **" + label + "**"));
          ordered = false;
        } else if (at < last) {
          out.add(
              new Finding(
                  d.name(),
                  line,
                  "exercises",
                  "\"" + title + "\": the order is Change, Run, Fails, Expected"));
          ordered = false;
        } else {
          last = at;
        }
      }
      if (!ordered) {
        continue;
      }
      List<String> run =
          codeAfter(strong.get(labels.indexOf("Run:")), strong.get(labels.indexOf("Fails:")));
      List<String> fails =
          codeAfter(strong.get(labels.indexOf("Fails:")), strong.get(labels.indexOf("Expected:")));
      List<String> change =
          codeAfter(strong.get(labels.indexOf("Change:")), strong.get(labels.indexOf("Run:")));
      List<String> changeLinks =
          linksAfter(strong.get(labels.indexOf("Change:")), strong.get(labels.indexOf("Run:")));
      String cmdText = run.stream().filter(MavenCommand::isMaven).findFirst().orElse(null);
      if (cmdText == null) {
        out.add(
            new Finding(
                d.name(),
                line,
                "exercises",
                "\"" + title + "\": **Run:** gives a `./mvnw ...` command"));
        continue;
      }
      MavenCommand cmd = MavenCommand.parse(cmdText);
      for (String p : cmd.check(index, profiles)) {
        out.add(new Finding(d.name(), line, "exercises", "\"" + title + "\": " + p));
      }
      List<Module> modules =
          cmd.projects().stream().flatMap(p -> index.moduleByName(p).stream()).toList();
      boolean failsNamesATest =
          fails.stream()
              .map(f -> f.trim().replaceFirst("\\(\\)$", ""))
              .anyMatch(f -> namesTestIn(f, index, modules));
      if (!failsNamesATest) {
        out.add(
            new Finding(
                d.name(),
                line,
                "exercises",
                "\""
                    + title
                    + "\": **Fails:** names (in a code span) a test of "
                    + cmd.projects()
                    + " that fails"));
      }
      if (title.startsWith("Write it")) {
        writeIt = true;
        out.addAll(writeIt(d, line, title, cmd, change, changeLinks, index, answers));
      }
    }
    if (!writeIt) {
      out.add(
          new Finding(
              d.name(), 1, "exercises", "at least one exercise is a \"Write it\" exercise"));
    }
    return out;
  }

  private static List<Finding> writeIt(
      Doc d,
      int line,
      String title,
      MavenCommand cmd,
      List<String> change,
      List<String> changeLinks,
      SourceIndex index,
      Doc answers) {
    List<Finding> out = new ArrayList<>();
    if (!cmd.profiles().contains("exercise")) {
      out.add(
          new Finding(
              d.name(),
              line,
              "exercises",
              "\"" + title + "\": a Write it exercise runs its test with -Pexercise"));
    }
    Path skeleton = null;
    for (String l : changeLinks) {
      Path p = d.path().getParent().resolve(l.replaceFirst("#.*", "")).normalize();
      if (p.toString().contains("/src/test/java/") && p.toString().contains("/exercises/")) {
        skeleton = p;
      }
    }
    if (skeleton == null || !Files.isRegularFile(skeleton)) {
      out.add(
          new Finding(
              d.name(),
              line,
              "exercises",
              "\""
                  + title
                  + "\": **Change:** links the skeleton under src/test/java/.../exercises/"));
    } else {
      String src = read(skeleton);
      if (!src.contains("UnsupportedOperationException(\"exercise\")")) {
        out.add(
            new Finding(
                d.name(),
                line,
                "exercises",
                "\""
                    + title
                    + "\": the skeleton "
                    + skeleton.getFileName()
                    + " throws UnsupportedOperationException(\"exercise\")"));
      }
    }
    for (MavenCommand.TestSelector s : cmd.tests()) {
      List<TestClass> classes = index.testClasses().stream().filter(s::matchesClass).toList();
      for (TestClass c : classes) {
        if (!c.exercise() || !c.file().toString().contains("/exercises/")) {
          out.add(
              new Finding(
                  d.name(),
                  line,
                  "exercises",
                  "\""
                      + title
                      + "\": the grading test "
                      + c.simpleName()
                      + " lives in an exercises package and is tagged @Tag(\"exercise\")"));
        }
      }
    }
    String nnTitle = d.headings().isEmpty() ? "" : d.headings().get(0).text();
    if (answers == null) {
      out.add(new Finding(d.name(), line, "exercises", "chapters/answers.md is missing"));
    } else {
      String section = answers.section(nnTitle).stream().map(Rules::raw).reduce("", String::concat);
      String skeletonClass =
          skeleton == null ? null : skeleton.getFileName().toString().replaceFirst("\\.java$", "");
      if (answers.headings().stream().noneMatch(h -> h.level() == 2 && h.text().equals(nnTitle))) {
        out.add(
            new Finding(
                d.name(),
                line,
                "exercises",
                "chapters/answers.md has no section \"## " + nnTitle + "\""));
      } else if (skeletonClass != null && !section.contains(skeletonClass)) {
        out.add(
            new Finding(
                d.name(),
                line,
                "exercises",
                "chapters/answers.md, \"## " + nnTitle + "\": no answer naming " + skeletonClass));
      }
    }
    return out;
  }

  private static boolean namesTestIn(String name, SourceIndex index, List<Module> modules) {
    Matcher member = TEST_MEMBER.matcher(name);
    String cls =
        member.matches() ? member.group(1) : TEST_CLASS.matcher(name).matches() ? name : null;
    return index.testClasses().stream()
        .filter(c -> modules.isEmpty() || modules.contains(c.module()))
        .anyMatch(
            c ->
                cls != null
                    ? c.simpleName().equals(cls)
                        && (!member.matches() || c.methods().contains(member.group(2)))
                    : c.testMethods().contains(name));
  }

  /** The code spans between two nodes of the same list item, in document order. */
  private static List<String> codeAfter(Node from, Node to) {
    List<String> out = new ArrayList<>();
    walkBetween(
        from,
        to,
        n -> {
          if (n instanceof Code c) {
            out.add(c.getLiteral());
          } else if (n instanceof FencedCodeBlock f) {
            out.add(f.getLiteral().trim());
          }
        });
    return out;
  }

  private static List<String> linksAfter(Node from, Node to) {
    List<String> out = new ArrayList<>();
    walkBetween(
        from,
        to,
        n -> {
          if (n instanceof Link l) {
            out.add(l.getDestination());
          }
        });
    return out;
  }

  /** Visits, in document order, every node after {@code from} and before {@code to}. */
  private static void walkBetween(Node from, Node to, java.util.function.Consumer<Node> f) {
    boolean[] on = {false};
    Node root = from;
    while (root.getParent() != null && !(root instanceof ListItem)) {
      root = root.getParent();
    }
    walk(root, from, to, on, f);
  }

  private static boolean walk(
      Node n, Node from, Node to, boolean[] on, java.util.function.Consumer<Node> f) {
    if (n == to) {
      return true;
    }
    if (on[0]) {
      f.accept(n);
    }
    if (n == from) {
      on[0] = true;
      return false;
    }
    for (Node c = n.getFirstChild(); c != null; c = c.getNext()) {
      if (walk(c, from, to, on, f)) {
        return true;
      }
    }
    return false;
  }

  // ---------------------------------------------------------------------------------------------
  // The book speaks of Kubernetes and kubelab only

  private static final List<Pattern> PROCESS_TALK =
      List.of(
          Pattern.compile("\\bissues?\\s*#\\d+", Pattern.CASE_INSENSITIVE),
          Pattern.compile(
              "\\b(?:the|this|that|an|our|its|each|every|open|github|chapter's)\\s+issues?\\b"),
          Pattern.compile("\\bissue(?:'s| tracker)", Pattern.CASE_INSENSITIVE),
          Pattern.compile("\\breview(?:s|ed|er|ers)?\\b", Pattern.CASE_INSENSITIVE),
          Pattern.compile("\\bfact[- ]sheets?\\b", Pattern.CASE_INSENSITIVE),
          Pattern.compile("\\bupstream-notes\\b", Pattern.CASE_INSENSITIVE),
          Pattern.compile("\\bdesign notes\\b|\\bDESIGN\\.md\\b", Pattern.CASE_INSENSITIVE),
          Pattern.compile(
              "\\b(?:our|the|these|my|project's)\\s+notes\\b", Pattern.CASE_INSENSITIVE),
          Pattern.compile(
              "\\b(?:work|writing|coding|editing|previous|earlier|last|next|this)\\s+sessions?\\b"),
          Pattern.compile(
              "\\bother engineers?\\b|\\bengineers'|\\bthe engineers?\\b",
              Pattern.CASE_INSENSITIVE),
          Pattern.compile("\\bthe lead\\b|\\bteams?\\b", Pattern.CASE_INSENSITIVE),
          Pattern.compile(
              "\\bthe author\\b|\\bauthors? of this\\b|\\bwhile this chapter was\\b",
              Pattern.CASE_INSENSITIVE),
          Pattern.compile(
              "\\b(?:quiet|quieter|loaded|busy|idle)\\s+(?:machine|box|host|run|runs|re-?runs?)\\b"),
          Pattern.compile(
              "\\bmachine\\s+(?:was|is|being)\\s+(?:quiet|quieter|loaded|busy|idle)\\b"),
          Pattern.compile("\\bre-?ran\\b", Pattern.CASE_INSENSITIVE));
  private static final Pattern DATE =
      Pattern.compile(
          "\\b(?:19|20)\\d\\d-\\d\\d-\\d\\d\\b|\\b(?:January|February|March|April|May|June|July|August"
              + "|September|October|November|December)\\s+\\d{4}\\b");

  /**
   * No talk of how the book is made: issues, reviews, fact sheets, notes, sessions, engineers,
   * teams, the author, dates, or stories about the machine being quiet or loaded. Prose, code spans
   * and diagrams are read; code and output blocks are not, and dates only in prose.
   */
  public static List<Finding> processTalk(Doc d) {
    List<Finding> out = new ArrayList<>();
    d.document()
        .accept(
            new AbstractVisitor() {
              @Override
              public void visit(Text t) {
                scan(t.getLiteral(), Doc.lineOf(t), true);
              }

              @Override
              public void visit(Code c) {
                scan(c.getLiteral(), Doc.lineOf(c), false);
              }

              @Override
              public void visit(FencedCodeBlock f) {
                if ("mermaid".equals(info(f))) {
                  String[] lines = f.getLiteral().split("\n", -1);
                  for (int i = 0; i < lines.length; i++) {
                    scan(lines[i], Doc.lineOf(f) + 1 + i, false);
                  }
                }
              }

              private void scan(String text, int line, boolean prose) {
                for (Pattern p : PROCESS_TALK) {
                  Matcher m = p.matcher(text);
                  if (m.find()) {
                    out.add(
                        new Finding(
                            d.name(),
                            line,
                            "process-talk",
                            "\""
                                + m.group()
                                + "\": the book speaks of Kubernetes and kubelab only"));
                  }
                }
                Matcher date = DATE.matcher(text);
                if (prose && date.find()) {
                  out.add(
                      new Finding(
                          d.name(),
                          line,
                          "process-talk",
                          "\"" + date.group() + "\": no dates in the prose"));
                }
              }
            });
    return out;
  }

  // ---------------------------------------------------------------------------------------------
  // Diagrams and commands

  private static final Pattern MERMAID_TYPE =
      Pattern.compile(
          "(?:flowchart|graph|sequenceDiagram|classDiagram|stateDiagram|stateDiagram-v2|erDiagram"
              + "|gantt|pie|xychart-beta|quadrantChart|mindmap|timeline|gitGraph|journey"
              + "|block-beta|sankey-beta|packet-beta|requirementDiagram|C4Context)\\b.*");

  /**
   * A cheap check of every Mermaid block: it starts with a diagram type and has no {@code \n} in a
   * label (Mermaid prints it literally; {@code <br/>} breaks a line). Whether a block parses is
   * checked by rendering it: {@code book/check-mermaid}.
   */
  public static List<Finding> mermaidShape(Doc d) {
    List<Finding> out = new ArrayList<>();
    for (Doc.Fence f : d.fences()) {
      if (!f.isMermaid()) {
        continue;
      }
      String first =
          f.body()
              .lines()
              .map(String::trim)
              .filter(l -> !l.isEmpty() && !l.startsWith("%%"))
              .findFirst()
              .orElse("");
      if (!MERMAID_TYPE.matcher(first).matches()) {
        out.add(
            new Finding(
                d.name(),
                f.line(),
                "mermaid",
                "a diagram starts with its type (flowchart, sequenceDiagram, ...), not \""
                    + first
                    + "\""));
      }
      if (f.body().contains("\\n")) {
        out.add(
            new Finding(
                d.name(), f.line(), "mermaid", "\\n in a diagram renders literally: use <br/>"));
      }
    }
    return out;
  }

  /**
   * Every {@code ./mvnw} command in a shell block (console, bash) works as written: see {@link
   * MavenCommand#check}.
   */
  public static List<Finding> commands(Doc d, SourceIndex index, Set<String> profiles) {
    List<Finding> out = new ArrayList<>();
    for (Doc.Fence f : d.fences()) {
      if (!f.isShell()) {
        continue;
      }
      String[] lines = f.body().split("\n", -1);
      for (int i = 0; i < lines.length; i++) {
        String line = lines[i].startsWith("$ ") ? lines[i].substring(2) : lines[i];
        StringBuilder cmd = new StringBuilder(line);
        int start = i;
        while (cmd.toString().endsWith("\\") && i + 1 < lines.length) {
          cmd.setLength(cmd.length() - 1);
          while (cmd.length() > 0 && Character.isWhitespace(cmd.charAt(cmd.length() - 1))) {
            cmd.setLength(cmd.length() - 1);
          }
          cmd.append(' ').append(lines[++i].trim());
        }
        String c = cmd.toString().replaceFirst("\\s+#.*$", "").trim();
        if (MavenCommand.isMaven(c)) {
          for (String p : MavenCommand.parse(c).check(index, profiles)) {
            out.add(new Finding(d.name(), f.line() + 1 + start, "commands", c + ": " + p));
          }
        }
      }
    }
    return out;
  }

  /**
   * The README's chapter table and the book's index list every chapter that exists (a link to its
   * file) and every chapter module of the reactor.
   */
  public static List<Finding> index(
      Doc readme, Doc bookIndex, List<Doc> chapters, SourceIndex idx) {
    List<Finding> out = new ArrayList<>();
    for (Doc ch : chapters) {
      if (ch.chapterNumber() == null) {
        continue;
      }
      if (readme.links().stream()
          .noneMatch(l -> l.destination().equals("chapters/" + ch.fileName()))) {
        out.add(
            new Finding(
                readme.name(),
                1,
                "index",
                "the chapter table does not link chapters/" + ch.fileName()));
      }
      if (bookIndex.links().stream().noneMatch(l -> l.destination().equals(ch.fileName()))) {
        out.add(
            new Finding(
                bookIndex.name(), 1, "index", "the reading order does not link " + ch.fileName()));
      }
    }
    for (Module m : idx.modules().values()) {
      if (!m.dir().matches("ch\\d\\d-.*")) {
        continue;
      }
      boolean inReadme = readme.codeSpans().stream().anyMatch(c -> c.literal().equals(m.dir()));
      boolean inIndex = bookIndex.codeSpans().stream().anyMatch(c -> c.literal().equals(m.dir()));
      if (!inReadme) {
        out.add(
            new Finding(
                readme.name(),
                1,
                "index",
                "the chapter table does not list module `" + m.dir() + "`"));
      }
      if (!inIndex) {
        out.add(
            new Finding(
                bookIndex.name(),
                1,
                "index",
                "the reading order does not list module `" + m.dir() + "`"));
      }
    }
    return out;
  }

  private static long lineCount(Path p) {
    try (var s = Files.lines(p)) {
      return s.count();
    } catch (Exception e) {
      return 0;
    }
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }
}
