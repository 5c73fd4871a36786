package io.kubelab.cluster.client;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.events.Event;
import io.kubelab.kubelet.events.EventSink;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The kubelet's events, written to an API server as core/v1 Events ({@code kubectl get events}).
 *
 * <p>Upstream: the kubelet's {@code record.EventRecorder} (client-go {@code tools/record}), whose
 * broadcaster queues at most 1000 events and drops what finds the queue full rather than block the
 * kubelet; its events carry {@code source.component: kubelet}, {@code source.host: NODE}, a first
 * and last timestamp and a count of 1 (upstream's correlator, which folds repeats into a count and
 * rate-limits them, is not modelled: each event is written once, as it comes). One writer thread
 * per sink; a failed write is logged and dropped, as upstream's broadcaster drops it after its
 * retries.
 */
public final class ApiServerEventSink implements EventSink, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ApiServerEventSink.class.getName());

  /** Upstream {@code maxQueuedEvents}. */
  static final int MAX_QUEUED_EVENTS = 1000;

  private final KubernetesClient client;
  private final String host;
  private final Clock clock;
  private final ThreadPoolExecutor writer;
  private final AtomicLong dropped = new AtomicLong();

  /** Events of the kubelet of node {@code host}, timestamped by {@code clock}. */
  public ApiServerEventSink(KubernetesClient client, String host, Clock clock) {
    this.client = client;
    this.host = host;
    this.clock = clock;
    this.writer =
        new ThreadPoolExecutor(
            1,
            1,
            0,
            TimeUnit.SECONDS,
            new ArrayBlockingQueue<>(MAX_QUEUED_EVENTS),
            r -> {
              Thread t = new Thread(r, "kubelet-events-" + host);
              t.setDaemon(true);
              return t;
            },
            (r, pool) -> {
              long n = dropped.incrementAndGet();
              if (!pool.isShutdown() && n % 1000 == 1) {
                LOG.warning("kubelet " + host + ": event queue full: dropped " + n + " so far");
              }
            });
  }

  @Override
  public void record(Event e) {
    if (writer.isShutdown()) {
      dropped.incrementAndGet();
      return;
    }
    String ns = e.namespace() == null || e.namespace().isEmpty() ? "default" : e.namespace();
    String now = timestamp(clock.now());
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(
                e.name() + "." + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
            .withAnnotations(e.annotations().isEmpty() ? null : e.annotations())
            .endMetadata()
            .withNewInvolvedObject()
            .withApiVersion("v1")
            .withKind(e.kind())
            .withNamespace("Node".equals(e.kind()) ? null : ns)
            .withName(e.name())
            .endInvolvedObject()
            .withType(e.type())
            .withReason(e.reason())
            .withMessage(e.message())
            .withNewSource()
            .withComponent("kubelet")
            .withHost(host)
            .endSource()
            .withFirstTimestamp(now)
            .withLastTimestamp(now)
            .withCount(1)
            .build();
    writer.execute(
        () -> {
          try {
            client.v1().events().inNamespace(ns).resource(event).create();
          } catch (RuntimeException ex) {
            LOG.warning(
                "kubelet "
                    + host
                    + ": could not write event "
                    + e.reason()
                    + ": "
                    + ex.getMessage());
          }
        });
  }

  /** Events dropped: the queue was full, or the sink closed. */
  public long dropped() {
    return dropped.get();
  }

  /** Writes what is queued (for at most five seconds), then stops. */
  @Override
  public void close() {
    writer.shutdown();
    try {
      writer.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException ex) {
      Thread.currentThread().interrupt();
    }
    writer.shutdownNow();
  }

  /** RFC 3339 to the second, as a core/v1 Event's timestamps are. */
  static String timestamp(Instant t) {
    return t.truncatedTo(ChronoUnit.SECONDS).toString();
  }
}
