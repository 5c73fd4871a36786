package io.kubelab.cluster.client.http.bench;

import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.api.model.Quantity;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpClient;
import io.fabric8.kubernetes.client.jdkhttp.JdkHttpClientFactory;
import io.kubelab.cluster.apiserver.ApiServer;
import io.kubelab.cluster.client.http.BlockingHttpClientFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;

/**
 * fabric8's {@code create} of a pod against kubelab's API server from 4 threads, over two
 * transports in the same JVM, server and client sharing its cores: {@code kubelab} (the blocking
 * transport the kubelab command uses) and {@code jdk} (fabric8's transport on the JDK's {@code
 * HttpClient}, which kubelab used before). Both speak HTTP/1.1 to the same server; the score is
 * creates per second, every step of both sides included. Where the cores are not kept busy (a
 * transport whose threads wait for one another), the ratio of the scores is larger than the ratio
 * of the CPU each create costs.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class TransportBenchmark {

  @Param({"kubelab", "jdk"})
  public String transport;

  private ApiServer server;
  private KubernetesClient client;
  private final AtomicLong names = new AtomicLong();

  @Setup(Level.Trial)
  public void start() {
    server = ApiServer.builder().historySize(1000).build().start();
    HttpClient.Factory factory =
        switch (transport) {
          case "kubelab" -> new BlockingHttpClientFactory();
          case "jdk" -> new JdkHttpClientFactory();
          default ->
              throw new IllegalArgumentException("transport: kubelab or jdk, not " + transport);
        };
    client =
        new KubernetesClientBuilder()
            .withHttpClientFactory(factory)
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl(server.url())
                    .withNamespace("default")
                    .withHttp2Disable(true)
                    .build())
            .build();
  }

  @TearDown(Level.Trial)
  public void stop() {
    client.close();
    server.close();
  }

  /** scheduler_perf's default pod: one pause container asking for 100m CPU and 500Mi. */
  static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .endMetadata()
        .withNewSpec()
        .addNewContainer()
        .withName("pause")
        .withImage("registry.k8s.io/pause:3.2")
        .withNewResources()
        .addToRequests("cpu", new Quantity("100m"))
        .addToRequests("memory", new Quantity("500Mi"))
        .endResources()
        .endContainer()
        .endSpec()
        .build();
  }

  @Benchmark
  @Threads(4)
  public Pod createPod() {
    return client.pods().resource(pod("p-" + names.incrementAndGet())).create();
  }
}
