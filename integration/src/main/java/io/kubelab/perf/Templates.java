package io.kubelab.perf;

import io.fabric8.kubernetes.api.model.ContainerBuilder;
import io.fabric8.kubernetes.api.model.ContainerPortBuilder;
import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.apimachinery.manifest.ManifestException;
import io.kubelab.apimachinery.manifest.Manifests;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The node and pod templates a test case names ({@code nodeTemplatePath}, {@code podTemplatePath}),
 * and the defaults upstream uses when it names none.
 *
 * <p>Upstream reads a template path relative to the test's working directory, the {@code
 * scheduler_perf} package, so its paths start with {@code config/}. Here a path is read relative to
 * the directory of the performance-config file, then relative to that directory's parent: the
 * shipped files and upstream's own tree both work unchanged.
 */
public final class Templates {

  /** Where the files of one performance-config are read from. */
  public interface Source {
    /** The text of {@code path}, or null when there is no such file. */
    String read(String path);

    /** How error messages name {@code path}. */
    String describe(String path);
  }

  private final Source source;
  private final Map<String, Node> nodes = new ConcurrentHashMap<>();
  private final Map<String, Pod> pods = new ConcurrentHashMap<>();

  public Templates(Source source) {
    this.source = source;
  }

  /** Files next to (or one level above) {@code configFile}. */
  public static Source directory(Path configFile) {
    Path dir = configFile.toAbsolutePath().getParent();
    return new Source() {
      @Override
      public String read(String path) {
        for (Path base : new Path[] {dir, dir.getParent()}) {
          if (base == null) {
            continue;
          }
          Path p = base.resolve(path);
          if (Files.isRegularFile(p)) {
            try {
              return Files.readString(p, StandardCharsets.UTF_8);
            } catch (IOException e) {
              throw new UncheckedIOException(p + ": " + e.getMessage(), e);
            }
          }
        }
        return null;
      }

      @Override
      public String describe(String path) {
        return path;
      }
    };
  }

  /** Resources on the class path under {@code dir} (the shipped cases). */
  public static Source classpath(String dir) {
    return new Source() {
      @Override
      public String read(String path) {
        try (InputStream in = Templates.class.getResourceAsStream(dir + "/" + path)) {
          return in == null ? null : new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
          throw new UncheckedIOException(e);
        }
      }

      @Override
      public String describe(String path) {
        return path;
      }
    };
  }

  /** The config file itself, read from the source. */
  String config(String path) {
    String text = source.read(path);
    if (text == null) {
      throw new PerfConfigException(source.describe(path) + ": no such file");
    }
    return text;
  }

  /**
   * The node template: {@code path}'s one Node, or (null) the node {@code
   * IntegrationTestNodePreparer} makes: 4 CPUs, 32 GiB, 110 pods, Ready.
   */
  public Node node(String path) {
    if (path == null) {
      return defaultNode();
    }
    return nodes.computeIfAbsent(path, p -> one(p, Node.class));
  }

  /**
   * The pod template: {@code path}'s one Pod, or (null) {@code makeBasePod}: one pause container
   * asking (and limited to) 100m CPU and 500 MiB.
   */
  public Pod pod(String path) {
    if (path == null) {
      return defaultPod();
    }
    return pods.computeIfAbsent(path, p -> one(p, Pod.class));
  }

  /** Checks that a template can be read: an error naming it before any cluster is built. */
  void check(String path, Class<?> kind) {
    if (path != null) {
      if (kind == Node.class) {
        node(path);
      } else {
        pod(path);
      }
    }
  }

  private <T> T one(String path, Class<T> kind) {
    String text = source.read(path);
    if (text == null) {
      throw new PerfConfigException(source.describe(path) + ": no such file");
    }
    Manifest m;
    try {
      m = Manifests.parse(text, source.describe(path));
    } catch (ManifestException e) {
      throw new PerfConfigException(e.getMessage());
    }
    if (m.objects().size() != 1 || !kind.isInstance(m.objects().get(0))) {
      throw new PerfConfigException(
          source.describe(path) + ": must hold exactly one " + kind.getSimpleName());
    }
    return kind.cast(m.objects().get(0));
  }

  static Node defaultNode() {
    return new NodeBuilder()
        .withNewMetadata()
        .endMetadata()
        .withNewStatus()
        .withCapacity(
            Map.of(
                "pods",
                new Quantity("110"),
                "cpu",
                new Quantity("4"),
                "memory",
                new Quantity("32Gi")))
        .withPhase("Running")
        .addNewCondition()
        .withType("Ready")
        .withStatus("True")
        .endCondition()
        .endStatus()
        .build();
  }

  static Pod defaultPod() {
    Map<String, Quantity> r = Map.of("cpu", new Quantity("100m"), "memory", new Quantity("500Mi"));
    return new PodBuilder()
        .withNewMetadata()
        .withGenerateName("pod-")
        .endMetadata()
        .withNewSpec()
        .withContainers(
            new ContainerBuilder()
                .withName("pause")
                .withImage("k8s.gcr.io/pause:3.2")
                .withPorts(new ContainerPortBuilder().withContainerPort(80).build())
                .withNewResources()
                .withRequests(r)
                .withLimits(r)
                .endResources()
                .build())
        .endSpec()
        .build();
  }
}
