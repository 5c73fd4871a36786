package io.kubelab.cluster.client;

import static org.assertj.core.api.Assertions.assertThat;

import com.sun.net.httpserver.HttpServer;
import io.fabric8.kubernetes.api.model.Pod;
import io.fabric8.kubernetes.api.model.PodBuilder;
import io.fabric8.kubernetes.client.Config;
import io.fabric8.kubernetes.client.ConfigBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.fabric8.kubernetes.client.KubernetesClientBuilder;
import io.kubelab.apimachinery.clock.FakeClock;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.Instant;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The scheduler's event sink as upstream's broadcaster (client-go {@code tools/events}): events are
 * written concurrently, and an event that finds the queue of {@code maxQueuedEvents} full is
 * dropped at once instead of holding up the binding that records it.
 *
 * <p>The server is a stub that holds every event write until the test releases it, so the number of
 * writes in flight is known exactly.
 */
@Timeout(60)
class SchedulerEventSinkTest {

  private static final Pattern REASON = Pattern.compile("\"reason\"\\s*:\\s*\"([^\"]*)\"");

  private HttpServer server;
  private ExecutorService serverThreads;
  private KubernetesClient client;
  private final AtomicInteger inFlight = new AtomicInteger();
  private final AtomicInteger written = new AtomicInteger();
  private final AtomicInteger droppedWritten = new AtomicInteger();
  private final CountDownLatch allWritersBusy =
      new CountDownLatch(ApiServerSchedulerClient.EVENT_WRITERS);
  private final CountDownLatch release = new CountDownLatch(1);
  private final java.util.Queue<String> contentTypes =
      new java.util.concurrent.ConcurrentLinkedQueue<>();
  private final java.util.Queue<String> bodies = new java.util.concurrent.ConcurrentLinkedQueue<>();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    serverThreads = Executors.newFixedThreadPool(2 * ApiServerSchedulerClient.EVENT_WRITERS);
    server.setExecutor(serverThreads);
    server.createContext(
        "/api/v1/namespaces/default/events",
        exchange -> {
          byte[] body = exchange.getRequestBody().readAllBytes();
          contentTypes.add(String.valueOf(exchange.getRequestHeaders().getFirst("Content-Type")));
          bodies.add(new String(body, StandardCharsets.UTF_8));
          inFlight.incrementAndGet();
          allWritersBusy.countDown();
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          Matcher m = REASON.matcher(new String(body, StandardCharsets.UTF_8));
          if (m.find() && m.group(1).equals("Dropped")) {
            droppedWritten.incrementAndGet();
          }
          written.incrementAndGet();
          inFlight.decrementAndGet();
          exchange.getResponseHeaders().add("Content-Type", "application/json");
          exchange.sendResponseHeaders(201, body.length);
          try (OutputStream out = exchange.getResponseBody()) {
            out.write(body);
          }
        });
    server.start();
    client =
        new KubernetesClientBuilder()
            .withConfig(
                new ConfigBuilder(Config.empty())
                    .withMasterUrl(
                        "http://"
                            + server.getAddress().getHostString()
                            + ":"
                            + server.getAddress().getPort())
                    .withRequestRetryBackoffLimit(0)
                    // The stub holds writes for as long as the test needs: no client timeout
                    // may end one early and free its writer.
                    .withRequestTimeout(120_000)
                    .build())
            .build();
  }

  @AfterEach
  void stop() {
    release.countDown();
    client.close();
    server.stop(0);
    serverThreads.shutdownNow();
  }

  private static Pod pod(String name) {
    return new PodBuilder()
        .withNewMetadata()
        .withName(name)
        .withNamespace("default")
        .withUid("uid-" + name)
        .endMetadata()
        .build();
  }

  @Test
  void eventsAreWrittenConcurrentlyAndOneThatFindsTheQueueFullOrTheSinkClosedIsDropped()
      throws Exception {
    ApiServerSchedulerClient sink =
        new ApiServerSchedulerClient(
            client, "default-scheduler", new FakeClock(Instant.parse("2026-01-01T00:00:00Z")));
    try {
      int writers = ApiServerSchedulerClient.EVENT_WRITERS;
      for (int i = 0; i < writers; i++) {
        sink.eventf(pod("p" + i), null, "Normal", "Scheduled", "Binding", "to node-" + i);
      }
      // Every writer holds one event at the server at the same time: the writes overlap.
      assertThat(allWritersBusy.await(20, TimeUnit.SECONDS))
          .as("%d event writes in flight at once", writers)
          .isTrue();
      assertThat(inFlight.get()).isEqualTo(writers);
      // The queue behind them takes maxQueuedEvents more; the next one is dropped, not waited for.
      for (int i = 0; i < ApiServerSchedulerClient.MAX_QUEUED_EVENTS; i++) {
        sink.eventf(pod("q" + i), null, "Normal", "Queued", "Binding", "queued " + i);
      }
      assertThat(sink.droppedEvents()).isZero();
      sink.eventf(pod("late"), null, "Warning", "Dropped", "Binding", "finds the queue full");
      assertThat(sink.droppedEvents()).isEqualTo(1);
    } finally {
      release.countDown();
      sink.close();
    }
    // close() writes what was queued before it stops the writers; the dropped one never arrives.
    assertThat(written.get())
        .isEqualTo(
            ApiServerSchedulerClient.EVENT_WRITERS + ApiServerSchedulerClient.MAX_QUEUED_EVENTS);
    assertThat(droppedWritten.get()).isZero();
    // Each is a core/v1 Event posted as JSON to the events of its namespace.
    assertThat(contentTypes).allSatisfy(t -> assertThat(t).startsWith("application/json"));
    assertThat(bodies)
        .allSatisfy(
            b ->
                assertThat(b)
                    .contains("\"apiVersion\":\"v1\"")
                    .contains("\"kind\":\"Event\"")
                    .contains("\"namespace\":\"default\""));
    // After close, an event is dropped (and counted), not queued for writers that are gone; a
    // second close does nothing.
    sink.eventf(pod("afterwards"), null, "Normal", "Scheduled", "Binding", "too late");
    assertThat(sink.droppedEvents()).isEqualTo(2);
    sink.close();
    assertThat(written.get())
        .isEqualTo(
            ApiServerSchedulerClient.EVENT_WRITERS + ApiServerSchedulerClient.MAX_QUEUED_EVENTS);
  }

  @Test
  void aFailedPostNamesTheStatusMessageOrAShortenedBody() {
    assertThat(
            ApiServerSchedulerClient.statusMessage(
                "{\"kind\":\"Status\",\"status\":\"Failure\","
                    + "\"message\":\"pods \\\"p\\\" not found\",\"code\":404}"))
        .isEqualTo("pods \"p\" not found");
    assertThat(ApiServerSchedulerClient.statusMessage("<html>bad gateway</html>"))
        .isEqualTo("<html>bad gateway</html>");
    assertThat(ApiServerSchedulerClient.statusMessage("x".repeat(300)))
        .isEqualTo("x".repeat(200) + "...");
    assertThat(ApiServerSchedulerClient.statusMessage(null)).isEmpty();
  }
}
