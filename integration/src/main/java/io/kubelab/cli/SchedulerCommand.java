package io.kubelab.cli;

import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubelab.apimachinery.clock.SystemClock;
import io.kubelab.cluster.ClusterScheduler;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfiguration;
import io.kubelab.scheduler.framework.config.KubeSchedulerConfigurationReader;
import io.kubelab.scheduler.framework.profile.Profiles;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * {@code kubelab scheduler}: chapter 08's scheduler against an API server (kubelab's or a real
 * cluster's), until Ctrl-C.
 */
@Command(
    name = "scheduler",
    mixinStandardHelpOptions = true,
    description = {
      "Run the scheduler (the v1.18 framework: queue, cache, profiles, preemption) against the"
          + " API server a kubeconfig names, until Ctrl-C. Pods whose spec.schedulerName names a"
          + " profile are scheduled; others are left alone.",
      "Against a real cluster, give the profile its own name (a configuration whose"
          + " schedulerName is, say, kubelab) to run as a second scheduler."
    })
final class SchedulerCommand implements Callable<Integer> {

  private final PrintStream out;
  private static volatile SchedulerCommand running;

  private final UntilStopped life = new UntilStopped();

  @Option(
      names = "--kubeconfig",
      paramLabel = "PATH",
      required = true,
      description =
          "kubeconfig of the API server (e.g. what kubelab apiserver --kubeconfig-out wrote)")
  Path kubeconfig;

  @Option(
      names = "--config",
      paramLabel = "FILE",
      description =
          "a KubeSchedulerConfiguration (kubescheduler.config.k8s.io/v1alpha2); default: one"
              + " profile, default-scheduler, with v1.18's default plugins")
  Path config;

  @Option(
      names = "--seed",
      paramLabel = "N",
      description = "seed for breaking ties between equally good nodes (default 1)")
  long seed = 1;

  SchedulerCommand(PrintStream out) {
    this.out = out;
  }

  @Override
  public Integer call() throws InterruptedException {
    KubeSchedulerConfiguration cfg = config == null ? Profiles.default118() : readConfig(config);
    read(kubeconfig); // a clear error when it is missing or unreadable
    Config clientConfig = Config.fromKubeconfig(kubeconfig.toFile());
    if (clientConfig.getMasterUrl() != null && clientConfig.getMasterUrl().startsWith("http://")) {
      // As client-go: HTTP/2 only where TLS negotiates it, HTTP/1.1 over plain HTTP.
      clientConfig.setHttp2Disable(true);
    }
    running = this;
    try (UntilStopped until = life.install("scheduler-shutdown");
        KubernetesClient client = new KubernetesClientBuilder().withConfig(clientConfig).build();
        SystemClock clock = new SystemClock();
        ClusterScheduler s = ClusterScheduler.start(client, cfg, clock, seed)) {
      out.println(
          "kubelab scheduler: scheduling pods for "
              + cfg.profiles().stream()
                  .map(KubeSchedulerConfiguration.Profile::schedulerName)
                  .toList()
              + " on "
              + clientConfig.getMasterUrl()
              + " ("
              + s.scheduler().profiles().size()
              + " profile(s))");
      out.println("Ctrl-C stops it.");
      out.flush();
      until.await();
      return 0;
    }
  }

  /** Stops a running scheduler (what Ctrl-C does). */
  void stop() {
    life.stop();
  }

  /** The command last started in this JVM (for tests, which stop it as Ctrl-C would). */
  static SchedulerCommand runningForTests() {
    return running;
  }

  static KubeSchedulerConfiguration readConfig(Path file) {
    try {
      return KubeSchedulerConfigurationReader.read(read(file));
    } catch (KubeSchedulerConfigurationReader.ConfigurationException e) {
      throw new IllegalArgumentException(file + ": " + e.getMessage(), e);
    }
  }

  private static String read(Path file) {
    try {
      return Files.readString(file);
    } catch (NoSuchFileException e) {
      throw new UncheckedIOException(file + ": no such file", e);
    } catch (IOException e) {
      throw new UncheckedIOException(file + ": " + e.getMessage(), e);
    }
  }
}
