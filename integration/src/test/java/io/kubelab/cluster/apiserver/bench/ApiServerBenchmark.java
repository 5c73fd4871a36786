package io.kubelab.cluster.apiserver.bench;

import io.kubelab.cluster.apiserver.ApiServer;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
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
 * The API server over loopback HTTP, with a real client (the JDK's HttpClient, HTTP/1.1):
 *
 * <ul>
 *   <li>{@code createPod}: POST one pod (decode, default, admit, validate, store, answer), from 4
 *       client threads: creates per second.
 *   <li>{@code fanOut}: one writer updates a pod while {@code watchers} watches stream the pods of
 *       the namespace; one operation is one update seen by every watcher: updates per second, and
 *       times {@code watchers} watch events per second delivered.
 * </ul>
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.Throughput)
@OutputTimeUnit(TimeUnit.SECONDS)
public class ApiServerBenchmark {

  private ApiServer server;
  private HttpClient http;
  private final AtomicLong names = new AtomicLong();

  @Param({"100"})
  public int watchers;

  private final List<Thread> readers = new ArrayList<>();
  private final List<Stream<String>> streams = new ArrayList<>();
  private final Semaphore delivered = new Semaphore(0);
  private long updates;

  @Setup(Level.Trial)
  public void start() throws Exception {
    server = ApiServer.builder().historySize(1000).build().start();
    http =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(10))
            .build();
    send("POST", "/api/v1/namespaces/default/pods", pod("target", "0"));
    // watchers on their own namespace, so that createPod's pods do not reach them
    send(
        "POST",
        "/api/v1/namespaces",
        "{\"apiVersion\":\"v1\",\"kind\":\"Namespace\",\"metadata\":{\"name\":\"watched\"}}");
    send(
        "POST",
        "/api/v1/namespaces/watched/pods",
        pod("target", "0")
            .replace("\"name\":\"target\"", "\"name\":\"target\",\"namespace\":\"watched\""));
    String rv = String.valueOf(server.storage().currentRevision());
    for (int i = 0; i < watchers; i++) {
      HttpRequest req =
          HttpRequest.newBuilder(
                  URI.create(
                      server.url()
                          + "/api/v1/namespaces/watched/pods?watch=true&resourceVersion="
                          + rv))
              .build();
      Stream<String> lines = http.send(req, HttpResponse.BodyHandlers.ofLines()).body();
      streams.add(lines);
      Thread t = new Thread(() -> lines.forEach(l -> delivered.release()), "bench-watcher-" + i);
      t.setDaemon(true);
      t.start();
      readers.add(t);
    }
  }

  @TearDown(Level.Trial)
  public void stop() throws InterruptedException {
    server.close();
    for (Thread t : readers) {
      t.join(10_000);
    }
    streams.forEach(Stream::close);
  }

  private static String pod(String name, String label) {
    return "{\"apiVersion\":\"v1\",\"kind\":\"Pod\",\"metadata\":{\"name\":\""
        + name
        + "\",\"labels\":{\"n\":\""
        + label
        + "\"}},\"spec\":{\"containers\":[{\"name\":\"c\","
        + "\"image\":\"nginx:1.19\",\"resources\":{\"requests\":{\"cpu\":\"100m\"}}}]}}";
  }

  private int send(String method, String path, String body)
      throws IOException, InterruptedException {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create(server.url() + path))
            .header(
                "Content-Type",
                method.equals("PATCH") ? "application/merge-patch+json" : "application/json")
            .method(method, HttpRequest.BodyPublishers.ofString(body))
            .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() >= 300) {
      throw new IllegalStateException(method + " " + path + ": " + r.statusCode() + " " + r.body());
    }
    return r.statusCode();
  }

  @Benchmark
  @Threads(4)
  public int createPod() throws Exception {
    return send(
        "POST", "/api/v1/namespaces/default/pods", pod("p-" + names.incrementAndGet(), "x"));
  }

  @Benchmark
  public void fanOut() throws Exception {
    updates++;
    send(
        "PATCH",
        "/api/v1/namespaces/watched/pods/target",
        "{\"metadata\":{\"labels\":{\"n\":\"" + updates + "\"}}}");
    if (!delivered.tryAcquire(watchers, 30, TimeUnit.SECONDS)) {
      throw new IllegalStateException("an update did not reach every watcher within 30 s");
    }
  }
}
