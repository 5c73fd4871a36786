package io.kubelab.scheduler.extender.sample;

import io.fabric8.kubernetes.api.model.Node;
import io.fabric8.kubernetes.api.model.NodeBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.kubelab.apimachinery.clock.FakeClock;
import io.kubelab.scheduler.algorithm.FitError;
import io.kubelab.scheduler.algorithm.GenericScheduler;
import io.kubelab.scheduler.algorithm.ScheduleResult;
import io.kubelab.scheduler.algorithm.policy.Policies;
import io.kubelab.scheduler.algorithm.policy.Policy;
import io.kubelab.scheduler.cache.SchedulerCache;
import io.kubelab.scheduler.cache.Snapshot;
import io.kubelab.scheduler.extender.ExtenderServer;
import io.kubelab.scheduler.extender.HttpExtender;
import java.io.PrintStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.CountDownLatch;

/**
 * Runs the sample extender ({@link GpuLabelExtender}) over HTTP.
 *
 * <pre>
 * ./mvnw -B -q -pl ch07-extender compile exec:java@sample-extender                     # serve
 * ./mvnw -B -q -pl ch07-extender compile exec:java@sample-extender -Dexec.args=--demo  # demo
 * </pre>
 *
 * <p>Serving, it listens on 127.0.0.1:8888 (or {@code --port N}) under {@code /sample}, prints the
 * Policy entry a scheduler needs, and runs until interrupted. With {@code --demo} it starts on a
 * free port, schedules a few pods on a small cluster with the generic scheduler of chapter 02
 * calling it over HTTP, prints where each pod went and why, and exits.
 */
public final class SampleExtender {

  static final String PREFIX = "/sample";
  static final String GPU = "nvidia.com/gpu";
  static final String PREFERRED_KEY = "kubelab.io/preferred";
  static final String PREFERRED_VALUE = "true";

  private SampleExtender() {}

  public static void main(String[] args) throws Exception {
    Options options;
    try {
      options = Options.parse(args);
    } catch (IllegalArgumentException e) {
      System.err.println("sample-extender: " + e.getMessage());
      System.err.println("usage: sample-extender [--port N] [--demo]");
      System.exit(2);
      return;
    }
    if (options.demo()) {
      demo(System.out);
      return;
    }
    ExtenderServer server =
        start(new InetSocketAddress(InetAddress.getLoopbackAddress(), options.port()));
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                },
                "sample-extender-shutdown"));
    System.out.println("sample extender listening on " + server.urlPrefix());
    System.out.println("a Policy that uses it:");
    System.out.println(policyJson(server.urlPrefix().toString()));
    System.out.println("Ctrl-C stops it.");
    stopped.await();
  }

  /**
   * The command line.
   *
   * @param port where to serve; 8888 by default
   * @param demo run the demo instead of serving
   */
  record Options(int port, boolean demo) {

    /**
     * @throws IllegalArgumentException saying what is wrong with the arguments
     */
    static Options parse(String... args) {
      int port = 8888;
      boolean demo = false;
      for (int i = 0; i < args.length; i++) {
        switch (args[i]) {
          case "--demo" -> demo = true;
          case "--port" -> {
            if (i + 1 == args.length) {
              throw new IllegalArgumentException("--port needs a number");
            }
            String value = args[++i];
            try {
              port = Integer.parseInt(value);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--port: not a number: " + value, e);
            }
            if (port < 0 || port > 65535) {
              throw new IllegalArgumentException("--port: not a TCP port: " + value);
            }
          }
          default -> throw new IllegalArgumentException("unknown argument " + args[i]);
        }
      }
      return new Options(port, demo);
    }
  }

  /** The sample extender, serving {@code filter} and {@code prioritize} under {@code /sample}. */
  public static ExtenderServer start(InetSocketAddress address) {
    GpuLabelExtender rules = new GpuLabelExtender(GPU, PREFERRED_KEY, PREFERRED_VALUE);
    return ExtenderServer.builder()
        .address(address)
        .prefix(PREFIX)
        .filter("filter", rules::filter)
        .prioritize("prioritize", rules::prioritize)
        .start();
  }

  /** The Policy that points a scheduler at the sample extender. */
  static String policyJson(String urlPrefix) {
    return """
        {
          "kind": "Policy",
          "apiVersion": "v1",
          "extenders": [{
            "urlPrefix": "%s",
            "filterVerb": "filter",
            "prioritizeVerb": "prioritize",
            "weight": 1,
            "managedResources": [{"name": "%s", "ignoredByScheduler": true}]
          }]
        }"""
        .formatted(urlPrefix, GPU);
  }

  /** Schedules the demo's pods through a sample extender on a free loopback port. */
  static void demo(PrintStream out) {
    List<Node> nodes =
        List.of(
            node("cpu-1", 0, false),
            node("cpu-2", 0, true),
            node("gpu-1", 2, false),
            node("gpu-2", 4, true));
    Map<String, Pod> pods = new LinkedHashMap<>();
    pods.put("web", pod("web", 0));
    pods.put("train-2", pod("train-2", 2));
    pods.put("train-4", pod("train-4", 4));
    pods.put("train-8", pod("train-8", 8));
    try (ExtenderServer server = start(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
        SchedulerCache cache = new SchedulerCache(new FakeClock())) {
      Policy policy = Policies.parse(policyJson(server.urlPrefix().toString()));
      List<HttpExtender> extenders = HttpExtender.createAll(policy.extenders());
      nodes.forEach(cache::addNode);
      out.println("The sample extender listens on " + server.urlPrefix() + ".");
      out.println(
          "It filters out nodes with fewer "
              + GPU
              + " than a pod requests and prefers nodes labelled "
              + PREFERRED_KEY
              + "="
              + PREFERRED_VALUE
              + ".");
      out.println(
          "The scheduler runs no predicates or priorities of its own: the extender decides.");
      out.println();
      out.printf("%-9s %-7s %s%n", "POD", "NODE", "WHY");
      try (GenericScheduler scheduler =
          GenericScheduler.builder(cache, new Snapshot())
              .extenders(new ArrayList<>(extenders))
              .random(new SplittableRandom(1))
              .parallelism(1)
              .build()) {
        for (Pod p : pods.values()) {
          String why;
          String where;
          try {
            ScheduleResult r = scheduler.schedule(p);
            where = r.suggestedHost();
            why =
                extenders.get(0).isInterested(p)
                    ? r.feasibleNodes() + " of 4 nodes passed the extender's filter"
                    : "the extender is not interested (no " + GPU + " requested): a tie of 4";
          } catch (FitError e) {
            where = "<none>";
            why = e.getMessage();
          }
          out.printf("%-9s %-7s %s%n", p.getMetadata().getName(), where, why);
        }
      } finally {
        extenders.forEach(HttpExtender::close);
      }
    }
  }

  private static Node node(String name, int gpus, boolean preferred) {
    Map<String, Quantity> alloc = new LinkedHashMap<>();
    alloc.put("cpu", new Quantity("8"));
    alloc.put("memory", new Quantity("32Gi"));
    alloc.put("pods", new Quantity("110"));
    if (gpus > 0) {
      alloc.put(GPU, new Quantity(Integer.toString(gpus)));
    }
    NodeBuilder b =
        new NodeBuilder()
            .withNewMetadata()
            .withName(name)
            .withUid("node-" + name)
            .addToLabels("kubernetes.io/hostname", name)
            .endMetadata()
            .withNewStatus()
            .withAllocatable(alloc)
            .withCapacity(alloc)
            .endStatus();
    if (preferred) {
      b.editMetadata().addToLabels(PREFERRED_KEY, PREFERRED_VALUE).endMetadata();
    }
    return b.build();
  }

  private static Pod pod(String name, int gpus) {
    Map<String, Quantity> requests = new LinkedHashMap<>();
    requests.put("cpu", new Quantity("1"));
    requests.put("memory", new Quantity("1Gi"));
    if (gpus > 0) {
      requests.put(GPU, new Quantity(Integer.toString(gpus)));
    }
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withUid("pod-" + name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("app")
        .withImage("registry.kubelab.io/" + name + ":1")
        .withNewResources()
        .withRequests(requests)
        .withLimits(gpus > 0 ? Map.of(GPU, new Quantity(Integer.toString(gpus))) : Map.of())
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }
}
