package io.kubelab.cluster.client.http.bench;

import com.sun.management.OperatingSystemMXBean;
import io.fabric8.kubernetes.api.model.Binding;
import io.fabric8.kubernetes.api.model.BindingBuilder;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.WatchEvent;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.fabric8.kubernetes.client.http.HttpResponse;
import io.kubelab.apimachinery.testing.Fixtures;
import io.kubelab.cluster.apiserver.ApiServer;
import io.kubelab.cluster.client.http.BlockingHttpClientFactory;
import java.io.IOException;
import java.io.InputStream;
import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Threads;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The floor of the path through the API server: what the client libraries alone cost for each pod
 * scheduled, with a server that does nothing. Every pod of scheduler_perf's SchedulingBasic through
 * kubelab's API server costs at least one fabric8 {@code create} (the pod creator), two raw POSTs
 * (the scheduler's binding and its {@code Scheduled} event, both written as kubelab's {@code
 * ApiServerSchedulerClient} writes them) and two watch events decoded by fabric8 (the pod's ADDED
 * and its MODIFIED once bound).
 *
 * <p>Here the server is a bare Jetty handler on the same connector and thread pool settings as
 * kubelab's API server: it reads each request's body and answers with bytes captured from the real
 * server at setup (the created pod, the binding's Status); nothing is decoded, validated, stored or
 * watched. The watch events are decoded straight from captured frames, without the socket that
 * carries them. So each figure is a lower bound on what the same step costs through the real
 * server. Each iteration also prints the process's CPU time per operation (both sides: client and
 * server threads, collector and compilers included), which does not depend on how busy the cores
 * were kept.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
// fabric8's create path takes about 40 s of this load to be compiled.
@Warmup(iterations = 12, time = 3)
@Measurement(iterations = 5, time = 3)
public class PathFloorBenchmark {

  private static final OperatingSystemMXBean OS =
      (OperatingSystemMXBean) ManagementFactory.getOperatingSystemMXBean();

  private Server server;
  private KubernetesClient client;
  private String bindingUrl;
  private String bindingJson;
  private String addedFrame;
  private String modifiedFrame;
  private final AtomicLong names = new AtomicLong();
  private final AtomicLong ops = new AtomicLong();
  private long cpuAtStart;

  @Setup(Level.Trial)
  public void start() throws Exception {
    byte[] createdPod;
    byte[] bindingStatus;
    try (ApiServer real = ApiServer.builder().build().start();
        KubernetesClient c = client(real.url())) {
      c.nodes()
          .resource(Fixtures.node("node-1").allocatable("4", "32Gi").pods(110).build())
          .create();
      c.pods().resource(TransportBenchmark.pod("captured")).create();
      createdPod = get(c, real.url() + "/api/v1/namespaces/default/pods/captured");
      bindingStatus =
          post(c, real.url() + "/api/v1/namespaces/default/pods/captured/binding", binding(c));
      String bound =
          new String(
              get(c, real.url() + "/api/v1/namespaces/default/pods/captured"),
              StandardCharsets.UTF_8);
      addedFrame =
          "{\"type\":\"ADDED\",\"object\":" + new String(createdPod, StandardCharsets.UTF_8) + "}";
      modifiedFrame = "{\"type\":\"MODIFIED\",\"object\":" + bound + "}";
    }
    server = nullServer(createdPod, bindingStatus);
    String url = "http://127.0.0.1:" + ((ServerConnector) server.getConnectors()[0]).getLocalPort();
    client = client(url);
    bindingUrl = url + "/api/v1/namespaces/default/pods/p/binding";
    bindingJson = binding(client);
  }

  @TearDown(Level.Trial)
  public void stop() throws Exception {
    client.close();
    server.stop();
  }

  @Setup(Level.Iteration)
  public void startCounting() {
    ops.set(0);
    cpuAtStart = OS.getProcessCpuTime();
  }

  @TearDown(Level.Iteration)
  public void printCpuPerOp() {
    long cpu = OS.getProcessCpuTime() - cpuAtStart;
    long n = ops.get();
    System.out.printf(
        Locale.ROOT,
        "  [cpu: %.1f µs per op, %d ops, %.0f ms of process CPU]%n",
        n == 0 ? 0.0 : cpu / 1000.0 / n,
        n,
        cpu / 1e6);
  }

  /** The pod creator's step: fabric8 encodes the pod, POSTs it, decodes the created pod. */
  @Benchmark
  @Threads(4)
  public Pod create() {
    ops.incrementAndGet();
    return client.pods().resource(TransportBenchmark.pod("p-" + names.incrementAndGet())).create();
  }

  /** The binding's (and the event's) step: a raw POST of JSON through fabric8's HTTP client. */
  @Benchmark
  @Threads(4)
  public int post() throws Exception {
    ops.incrementAndGet();
    return client
        .getHttpClient()
        .sendAsync(
            client
                .getHttpClient()
                .newHttpRequestBuilder()
                .uri(bindingUrl)
                .post("application/json", bindingJson)
                .build(),
            String.class)
        .get(10, TimeUnit.SECONDS)
        .code();
  }

  /** The informer's step, twice per pod: fabric8 decodes a watch frame into a typed event. */
  @Benchmark
  @Threads(2)
  public Object decodeWatchEvents() {
    ops.incrementAndGet();
    WatchEvent added = client.getKubernetesSerialization().unmarshal(addedFrame, WatchEvent.class);
    WatchEvent modified =
        client.getKubernetesSerialization().unmarshal(modifiedFrame, WatchEvent.class);
    return modified.getObject() == added.getObject() ? null : modified;
  }

  private static KubernetesClient client(String url) {
    return new KubernetesClientBuilder()
        .withHttpClientFactory(new BlockingHttpClientFactory())
        .withConfig(
            new ConfigBuilder(Config.empty())
                .withMasterUrl(url)
                .withNamespace("default")
                .withHttp2Disable(true)
                .build())
        .build();
  }

  /** Jetty as kubelab's API server sets it up, answering every request with a canned body. */
  private static Server nullServer(byte[] createdPod, byte[] bindingStatus) throws Exception {
    QueuedThreadPool pool = new QueuedThreadPool(200, 4);
    pool.setName("null-http");
    Server s = new Server(pool);
    ServerConnector connector = new ServerConnector(s, 1, 1);
    connector.setHost("127.0.0.1");
    connector.setPort(0);
    s.addConnector(connector);
    s.setHandler(
        new Handler.Abstract() {
          @Override
          public boolean handle(Request request, Response response, Callback callback)
              throws IOException {
            try (InputStream in = Content.Source.asInputStream(request)) {
              in.readAllBytes();
            }
            byte[] body =
                request.getHttpURI().getPath().endsWith("/binding") ? bindingStatus : createdPod;
            response.setStatus(201);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
            response.write(true, ByteBuffer.wrap(body), callback);
            return true;
          }
        });
    s.start();
    return s;
  }

  private static byte[] get(KubernetesClient c, String url) throws Exception {
    HttpResponse<byte[]> r =
        c.getHttpClient()
            .sendAsync(c.getHttpClient().newHttpRequestBuilder().uri(url).build(), byte[].class)
            .get(10, TimeUnit.SECONDS);
    if (r.code() != 200) {
      throw new IllegalStateException("GET " + url + ": " + r.code());
    }
    return r.body();
  }

  private static byte[] post(KubernetesClient c, String url, String json) throws Exception {
    HttpResponse<byte[]> r =
        c.getHttpClient()
            .sendAsync(
                c.getHttpClient()
                    .newHttpRequestBuilder()
                    .uri(url)
                    .post("application/json", json)
                    .build(),
                byte[].class)
            .get(10, TimeUnit.SECONDS);
    if (r.code() != 201) {
      throw new IllegalStateException("POST " + url + ": " + r.code());
    }
    return r.body();
  }

  private static String binding(KubernetesClient c) {
    Binding b =
        new BindingBuilder()
            .withNewMetadata()
            .withName("captured")
            .withNamespace("default")
            .endMetadata()
            .withNewTarget()
            .withKind("Node")
            .withName("node-1")
            .endTarget()
            .build();
    return c.getKubernetesSerialization().asJson(b);
  }
}
