package io.kubelab.cli;

import io.kubelab.apimachinery.manifest.Manifest;
import io.kubelab.apimachinery.manifest.Manifests;
import io.kubelab.cluster.LocalCluster;
import io.kubelab.cluster.apiserver.ApiServer;
import io.kubelab.cluster.dashboard.Dashboard;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.profile.Profiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubelab up}: the API server, the scheduler and a kubelet per node, on loopback, until
 * Ctrl-C.
 */
@Command(
    name = "up",
    mixinStandardHelpOptions = true,
    description = {
      "Run a whole cluster on loopback, until Ctrl-C: kubelab's API server, the scheduler against"
          + " it, and a kubelet (fake container runtime) for every node. Pods you create with"
          + " kubectl are scheduled, started and reported Running; deleted, they are stopped and"
          + " removed.",
      "No controllers run: create pods, not Deployments."
    })
final class UpCommand implements Callable<Integer> {

  private static volatile UpCommand running;

  private final PrintStream out;
  private final UntilStopped life = new UntilStopped();
  private volatile LocalCluster cluster;

  @Option(
      names = "--port",
      paramLabel = "P",
      description = "the API server's port on 127.0.0.1; 0 takes any free port (default 0)")
  int port;

  @Option(
      names = {"-f", "--filename"},
      paramLabel = "FILE",
      description =
          "objects to load first: nodes, pods, ... as `kubelab schedule -f` reads them"
              + " (default: the demo cluster, 6 nodes and 9 pending pods)")
  String file;

  @Option(
      names = "--kubeconfig-out",
      paramLabel = "PATH",
      description = "write a kubeconfig for the API server to PATH")
  Path kubeconfigOut;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "the scheduler's KubeSchedulerConfiguration (default: the default plugins of v1.18)")
  Path config;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "seed for breaking ties between equally good nodes (default 1)")
  long seed = 1;

  UpCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws InterruptedException {
    if (port < 0 || port > 65535) {
      throw new IllegalArgumentException("--port " + port + " is not a port (0-65535)");
    }
    KubeSchedulerConfiguration cfg =
        config == null ? Profiles.default118() : SchedulerCommand.readConfig(config);
    String source = file == null ? "the demo cluster" : file;
    Manifest manifest =
        file == null
            ? Manifests.parse(Kubelab.resource(Kubelab.DEMO_CLUSTER), Kubelab.DEMO_CLUSTER)
            : Kubelab.read(file);
    Kubelab.checkQuantityRanges(manifest, file == null ? Kubelab.DEMO_CLUSTER : file);
    running = this;
    try (UntilStopped until = life.install("up-shutdown");
        LocalCluster c =
            LocalCluster.start(
                ApiServer.builder().port(port).dashboard(true).build(),
                manifest.objects(),
                cfg,
                seed)) {
      cluster = c;
      out.println("kubelab up: loaded " + manifest.objects().size() + " object(s) from " + source);
      out.println("kubelab up: API server on " + c.url());
      out.println("kubelab up: dashboard on " + c.url() + Dashboard.PATH);
      out.println(
          "kubelab up: scheduler "
              + cfg.profiles().stream()
                  .map(KubeSchedulerConfiguration.Profile::schedulerName)
                  .toList()
              + "; controllers [deployment, replicaset]; kubelets on "
              + c.nodeNames().size()
              + " node(s): "
              + String.join(", ", c.nodeNames()));
      if (kubeconfigOut != null) {
        try {
          c.server().writeKubeconfig(kubeconfigOut);
        } catch (IOException e) {
          throw new UncheckedIOException(kubeconfigOut + ": " + e.getMessage(), e);
        }
        out.println(
            "kubeconfig: "
                + kubeconfigOut
                + "  (kubectl --kubeconfig "
                + kubeconfigOut
                + " get pods -A -o wide)");
      } else {
        out.println("kubectl: kubectl --server " + c.url() + " get pods -A -o wide");
      }
      out.println("Ctrl-C stops it.");
      out.flush();
      until.await();
      return 0;
    } finally {
      cluster = null; // closed by now: resources are closed in reverse order, before finally
    }
  }

  /** Stops the cluster. */
  void stop() {
    life.stop();
  }

  /** The running cluster, once started (for tests). */
  LocalCluster cluster() {
    return cluster;
  }

  /** The command last started in this JVM (for tests, which stop it as Ctrl-C would). */
  static UpCommand runningForTests() {
    return running;
  }
}
