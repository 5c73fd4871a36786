package io.kubelab.book;

import com.github.javaparser.JavaParser;
import com.github.javaparser.ParseResult;
import com.github.javaparser.ParserConfiguration;
import com.github.javaparser.ast.CompilationUnit;
import com.github.javaparser.ast.body.MethodDeclaration;
import com.github.javaparser.ast.body.TypeDeclaration;
import com.github.javaparser.ast.expr.AnnotationExpr;
import com.github.javaparser.ast.expr.MemberValuePair;
import com.github.javaparser.ast.expr.NormalAnnotationExpr;
import com.github.javaparser.ast.expr.SimpleName;
import com.github.javaparser.ast.expr.SingleMemberAnnotationExpr;
import com.github.javaparser.ast.nodeTypes.NodeWithAnnotations;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.stream.Stream;
import javax.xml.parsers.DocumentBuilderFactory;
import org.w3c.dom.Document;
import org.w3c.dom.Element;
import org.w3c.dom.NodeList;

/**
 * What the chapters may cite, read from the repository itself: the reactor's modules (root
 * pom.xml), every class in their test sources with its test and benchmark methods, and every
 * identifier in the Java code.
 */
public final class SourceIndex {

  private static final Set<String> TEST_ANNOTATIONS =
      Set.of("Test", "ParameterizedTest", "RepeatedTest", "TestFactory", "TestTemplate");

  private final Path root;
  private final Map<String, Module> modules = new LinkedHashMap<>();
  private final List<TestClass> testClasses = new ArrayList<>();
  private final Set<String> identifiers = new HashSet<>();

  private SourceIndex(Path root) {
    this.root = root;
  }

  /** Reads the reactor under {@code root} and parses every Java file of its modules. */
  public static SourceIndex read(Path root) {
    SourceIndex index = new SourceIndex(root);
    Element project = xml(root.resolve("pom.xml"));
    for (String dir : children(child(project, "modules"), "module")) {
      Path pom = root.resolve(dir).resolve("pom.xml");
      Element p = xml(pom);
      List<String> deps = new ArrayList<>();
      Element dependencies = child(p, "dependencies");
      if (dependencies != null) {
        NodeList ds = dependencies.getElementsByTagName("dependency");
        for (int i = 0; i < ds.getLength(); i++) {
          Element d = (Element) ds.item(i);
          if ("io.kubelab".equals(text(d, "groupId"))) {
            deps.add(text(d, "artifactId"));
          }
        }
      }
      String artifactId = text(p, "artifactId");
      String name = text(p, "name");
      index.modules.put(
          dir,
          new Module(dir, artifactId, name == null ? artifactId : name, root.resolve(dir), deps));
    }
    JavaParser parser =
        new JavaParser(
            new ParserConfiguration()
                .setLanguageLevel(ParserConfiguration.LanguageLevel.JAVA_17)
                .setAttributeComments(false)
                .setStoreTokens(false));
    for (Module m : index.modules.values()) {
      for (String kind : List.of("main", "test")) {
        Path src = m.path().resolve("src").resolve(kind).resolve("java");
        for (Path file : javaFiles(src)) {
          CompilationUnit cu = parse(parser, file);
          cu.findAll(SimpleName.class).forEach(n -> index.identifiers.add(n.getIdentifier()));
          if (kind.equals("test")) {
            index.addTestClasses(m, file, cu);
          }
        }
      }
    }
    index.testClasses.sort(Comparator.comparing(TestClass::fqcn));
    return index;
  }

  private void addTestClasses(Module m, Path file, CompilationUnit cu) {
    String pkg = cu.getPackageDeclaration().map(p -> p.getNameAsString() + ".").orElse("");
    for (TypeDeclaration<?> top : cu.getTypes()) {
      addType(m, file, pkg + top.getNameAsString(), top, false);
    }
  }

  private void addType(
      Module m, Path file, String fqcn, TypeDeclaration<?> type, boolean outerIsExercise) {
    Set<String> methods = new LinkedHashSet<>();
    Set<String> tests = new LinkedHashSet<>();
    Set<String> benchmarks = new LinkedHashSet<>();
    boolean exercise = outerIsExercise || taggedExercise(type);
    for (MethodDeclaration md : type.getMethods()) {
      methods.add(md.getNameAsString());
      if (md.getAnnotations().stream().anyMatch(a -> TEST_ANNOTATIONS.contains(simple(a)))) {
        tests.add(md.getNameAsString());
      }
      if (md.getAnnotations().stream().anyMatch(a -> simple(a).equals("Benchmark"))) {
        benchmarks.add(md.getNameAsString());
      }
    }
    testClasses.add(
        new TestClass(
            m,
            fqcn,
            type.getNameAsString(),
            file,
            Set.copyOf(methods),
            Set.copyOf(tests),
            Set.copyOf(benchmarks),
            exercise));
    for (var member : type.getMembers()) {
      if (member instanceof TypeDeclaration<?> nested) {
        addType(m, file, fqcn + "$" + nested.getNameAsString(), nested, exercise);
      }
    }
  }

  private static boolean taggedExercise(NodeWithAnnotations<?> n) {
    for (AnnotationExpr a : n.getAnnotations()) {
      if (!simple(a).equals("Tag")) {
        continue;
      }
      String value = null;
      if (a instanceof SingleMemberAnnotationExpr s) {
        value = s.getMemberValue().toString();
      } else if (a instanceof NormalAnnotationExpr na) {
        for (MemberValuePair p : na.getPairs()) {
          if (p.getNameAsString().equals("value")) {
            value = p.getValue().toString();
          }
        }
      }
      if ("\"exercise\"".equals(value)) {
        return true;
      }
    }
    return false;
  }

  private static String simple(AnnotationExpr a) {
    String n = a.getNameAsString();
    return n.substring(n.lastIndexOf('.') + 1);
  }

  public Path root() {
    return root;
  }

  /** Modules in reactor order, by folder name. */
  public Map<String, Module> modules() {
    return modules;
  }

  public List<TestClass> testClasses() {
    return testClasses;
  }

  /** Test-source classes (top-level or nested) with this simple name. */
  public List<TestClass> testClassesNamed(String simpleName) {
    return testClasses.stream().filter(c -> c.simpleName().equals(simpleName)).toList();
  }

  /** Test-source classes with this simple name in one module. */
  public List<TestClass> testClassesNamed(String simpleName, Module m) {
    return testClassesNamed(simpleName).stream().filter(c -> c.module().equals(m)).toList();
  }

  /** Is there a test (or benchmark) method with this name in any test class? */
  public boolean isTestOrBenchmarkMethod(String name) {
    return testClasses.stream()
        .anyMatch(c -> c.testMethods().contains(name) || c.benchmarkMethods().contains(name));
  }

  /** Is {@code name} an identifier anywhere in the Java code (main or test, outside comments)? */
  public boolean isIdentifier(String name) {
    return identifiers.contains(name);
  }

  /** The module whose folder is {@code dir}. */
  public Optional<Module> module(String dir) {
    return Optional.ofNullable(modules.get(dir));
  }

  /** The module with this artifactId or folder name. */
  public Optional<Module> moduleByName(String name) {
    return modules.values().stream()
        .filter(m -> m.dir().equals(name) || m.artifactId().equals(name))
        .findFirst();
  }

  /** The root pom's display name and version, as Maven prints them. */
  public String rootDisplayName() {
    Element project = xml(root.resolve("pom.xml"));
    String name = text(project, "name");
    return name == null ? text(project, "artifactId") : name;
  }

  /**
   * The ids of the profiles a {@code -P} can name: the root pom's ({@code -Pexercise}, {@code
   * -Pbench}, ...) and every module's own (such as a chapter's demo profile).
   */
  public Set<String> profiles() {
    Set<String> out = new LinkedHashSet<>();
    List<Path> poms = new ArrayList<>();
    poms.add(root.resolve("pom.xml"));
    for (Module m : modules().values()) {
      poms.add(m.path().resolve("pom.xml"));
    }
    for (Path pom : poms) {
      if (!Files.exists(pom)) {
        continue;
      }
      Element profiles = child(xml(pom), "profiles");
      if (profiles != null) {
        NodeList ids = profiles.getElementsByTagName("id");
        for (int i = 0; i < ids.getLength(); i++) {
          out.add(ids.item(i).getTextContent().trim());
        }
      }
    }
    return out;
  }

  public String version() {
    return text(xml(root.resolve("pom.xml")), "version");
  }

  /** {@code modules} plus every module they depend on, in reactor order (Maven's -am). */
  public List<Module> withDependencies(List<Module> selected) {
    Set<String> wanted = new HashSet<>();
    List<Module> todo = new ArrayList<>(selected);
    while (!todo.isEmpty()) {
      Module m = todo.remove(todo.size() - 1);
      if (wanted.add(m.artifactId())) {
        for (String d : m.deps()) {
          moduleByName(d).ifPresent(todo::add);
        }
      }
    }
    return modules.values().stream().filter(m -> wanted.contains(m.artifactId())).toList();
  }

  private static List<Path> javaFiles(Path dir) {
    if (!Files.isDirectory(dir)) {
      return List.of();
    }
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(p -> p.toString().endsWith(".java")).sorted().toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static CompilationUnit parse(JavaParser parser, Path file) {
    try {
      ParseResult<CompilationUnit> r = parser.parse(file);
      return r.getResult()
          .filter(cu -> r.isSuccessful())
          .orElseThrow(
              () -> new IllegalStateException(file + " does not parse: " + r.getProblems()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static Element xml(Path file) {
    try {
      DocumentBuilderFactory f = DocumentBuilderFactory.newInstance();
      f.setFeature("http://apache.org/xml/features/disallow-doctype-decl", true);
      Document d = f.newDocumentBuilder().parse(file.toFile());
      return d.getDocumentElement();
    } catch (Exception e) {
      throw new IllegalStateException(file + ": cannot be read as XML: " + e.getMessage(), e);
    }
  }

  /** The direct child element {@code tag} of {@code e}, or null. */
  static Element child(Element e, String tag) {
    if (e == null) {
      return null;
    }
    for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(tag)) {
        return c;
      }
    }
    return null;
  }

  private static List<String> children(Element e, String tag) {
    List<String> out = new ArrayList<>();
    if (e == null) {
      return out;
    }
    for (org.w3c.dom.Node n = e.getFirstChild(); n != null; n = n.getNextSibling()) {
      if (n instanceof Element c && c.getTagName().equals(tag)) {
        out.add(c.getTextContent().trim());
      }
    }
    return out;
  }

  private static String text(Element e, String tag) {
    Element c = child(e, tag);
    return c == null ? null : c.getTextContent().trim();
  }
}
