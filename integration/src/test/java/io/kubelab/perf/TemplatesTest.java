package io.kubelab.perf;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.Quantity;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Where templates are read from, what a template file must hold, and upstream's defaults. */
class TemplatesTest {

  private static final String NODE =
      """
      apiVersion: v1
      kind: Node
      metadata: {generateName: n-}
      status:
        capacity: {cpu: "8", memory: 1Gi, pods: "10"}
      """;

  private static final String POD =
      """
      apiVersion: v1
      kind: Pod
      metadata: {generateName: p-}
      spec:
        containers:
        - {name: c, image: i}
      """;

  /** An in-memory source that counts its reads and names files as {@code mem:path}. */
  private static final class MemorySource implements Templates.Source {
    final Map<String, String> files;
    final List<String> reads = new ArrayList<>();

    MemorySource(Map<String, String> files) {
      this.files = files;
    }

    @Override
    public String read(String path) {
      reads.add(path);
      return files.get(path);
    }

    @Override
    public String describe(String path) {
      return "mem:" + path;
    }
  }

  @Test
  void aTemplateIsReadOnceAndItsObjectKept() {
    MemorySource src = new MemorySource(Map.of("n.yaml", NODE, "p.yaml", POD));
    Templates t = new Templates(src);
    Node n = t.node("n.yaml");
    assertThat(n.getStatus().getCapacity()).containsEntry("cpu", new Quantity("8"));
    assertThat(t.node("n.yaml")).isSameAs(n);
    Pod p = t.pod("p.yaml");
    assertThat(p.getSpec().getContainers()).extracting(c -> c.getName()).containsExactly("c");
    assertThat(t.pod("p.yaml")).isSameAs(p);
    assertThat(src.reads).containsExactly("n.yaml", "p.yaml");
  }

  @Test
  void aMissingFileOrAFileOfTheWrongKindIsAnErrorNamingIt() {
    MemorySource src =
        new MemorySource(
            Map.of("n.yaml", NODE, "two.yaml", NODE + "---\n" + NODE, "bad.yaml", "kind: [x\n"));
    Templates t = new Templates(src);
    assertThatThrownBy(() -> t.node("none.yaml"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessage("mem:none.yaml: no such file");
    assertThatThrownBy(() -> t.pod("n.yaml"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessage("mem:n.yaml: must hold exactly one Pod");
    assertThatThrownBy(() -> t.node("two.yaml"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessage("mem:two.yaml: must hold exactly one Node");
    assertThatThrownBy(() -> t.node("bad.yaml"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessageContaining("mem:bad.yaml");
    assertThatThrownBy(() -> t.config("none.yaml"))
        .isInstanceOf(PerfConfigException.class)
        .hasMessage("mem:none.yaml: no such file");
    assertThat(t.config("n.yaml")).isEqualTo(NODE);
  }

  @Test
  void checkReadsTheTemplateAsTheKindAskedAndNothingForNoPath() {
    MemorySource src = new MemorySource(Map.of("n.yaml", NODE, "p.yaml", POD));
    Templates t = new Templates(src);
    t.check(null, Node.class);
    t.check(null, Pod.class);
    assertThat(src.reads).isEmpty();
    t.check("n.yaml", Node.class);
    t.check("p.yaml", Pod.class);
    assertThat(src.reads).containsExactly("n.yaml", "p.yaml");
    assertThatThrownBy(() -> t.check("n.yaml", Pod.class))
        .hasMessage("mem:n.yaml: must hold exactly one Pod");
    assertThatThrownBy(() -> t.check("p.yaml", Node.class))
        .hasMessage("mem:p.yaml: must hold exactly one Node");
  }

  @Test
  void noPathGivesUpstreamsDefaultNodeAndPod() {
    Templates t = new Templates(new MemorySource(Map.of()));
    Node n = t.node(null);
    assertThat(n.getStatus().getCapacity())
        .containsOnly(
            Map.entry("pods", new Quantity("110")),
            Map.entry("cpu", new Quantity("4")),
            Map.entry("memory", new Quantity("32Gi")));
    assertThat(n.getStatus().getPhase()).isEqualTo("Running");
    assertThat(n.getStatus().getConditions())
        .singleElement()
        .satisfies(
            c -> {
              assertThat(c.getType()).isEqualTo("Ready");
              assertThat(c.getStatus()).isEqualTo("True");
            });
    Pod p = t.pod(null);
    assertThat(p.getMetadata().getGenerateName()).isEqualTo("pod-");
    assertThat(p.getSpec().getContainers())
        .singleElement()
        .satisfies(
            c -> {
              Map<String, Quantity> r =
                  Map.of("cpu", new Quantity("100m"), "memory", new Quantity("500Mi"));
              assertThat(c.getResources().getRequests()).isEqualTo(r);
              assertThat(c.getResources().getLimits()).isEqualTo(r);
              assertThat(c.getPorts()).extracting(x -> x.getContainerPort()).containsExactly(80);
            });
    assertThat(t.node(null)).isNotSameAs(n).isEqualTo(n);
  }

  @Test
  void aDirectorySourceReadsNextToTheConfigThenOneLevelUp(@TempDir Path root) throws Exception {
    Path config = root.resolve("perf/performance-config.yaml");
    Files.createDirectories(config.getParent());
    Files.writeString(config, "x");
    Files.writeString(root.resolve("perf/near.yaml"), "near");
    Files.createDirectories(root.resolve("config"));
    Files.writeString(root.resolve("config/up.yaml"), "up");
    Files.writeString(root.resolve("both.yaml"), "parent");
    Files.writeString(root.resolve("perf/both.yaml"), "next to it");
    Files.createDirectories(root.resolve("perf/dir.yaml"));

    Templates.Source src = Templates.directory(config);
    assertThat(src.read("near.yaml")).isEqualTo("near");
    assertThat(src.read("config/up.yaml")).isEqualTo("up");
    assertThat(src.read("both.yaml")).isEqualTo("next to it");
    assertThat(src.read("none.yaml")).isNull();
    assertThat(src.read("dir.yaml")).as("a directory is not a template").isNull();
    assertThat(src.describe("config/up.yaml")).isEqualTo("config/up.yaml");
  }

  @Test
  void aConfigAtTheFileSystemRootHasNoParentToLookIn() {
    Path rootConfig = Path.of("/").resolve("kubelab-perf-no-such-config.yaml");
    assertThat(Templates.directory(rootConfig).read("kubelab-perf-no-such-template.yaml")).isNull();
  }

  @Test
  void aClasspathSourceReadsTheShippedTemplates() {
    Templates.Source src = Templates.classpath(PerfRun.EMBEDDED_DIR);
    assertThat(src.read("templates/node-default.yaml")).contains("kind: Node");
    assertThat(src.read("templates/none.yaml")).isNull();
    assertThat(src.describe("templates/x.yaml")).isEqualTo("templates/x.yaml");
    Node n = new Templates(src).node("templates/node-default.yaml");
    assertThat(n.getStatus().getCapacity()).containsEntry("cpu", new Quantity("4"));
  }
}
