package io.kubelab.cluster.client;

import io.fabric8.kubernetes.api.model.EventBuilder;
import io.fabric8.kubernetes.api.model.HasMetadata;
import io.fabric8.kubernetes.api.model.ObjectReference;
import io.fabric8.kubernetes.api.model.ObjectReferenceBuilder;
import io.fabric8.kubernetes.client.KubernetesClient;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.kubelet.events.Event;
import io.kubelab.kubelet.events.EventSink;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Logger;

/**
 * The kubelet's events, and a controller's, written to an API server as core/v1 Events ({@code
 * kubectl get events}).
 *
 * <p>Upstream: the kubelet's {@code record.EventRecorder} (client-go {@code tools/record}), whose
 * broadcaster queues at most 1000 events and drops what finds the queue full rather than block the
 * kubelet; its events carry {@code source.component: kubelet}, {@code source.host: NODE}, a first
 * and last timestamp and a count of 1 (upstream's correlator, which folds repeats into a count and
 * rate-limits them, is not modelled: each event is written once, as it comes). One writer thread
 * per sink; a failed write is logged and dropped, as upstream's broadcaster drops it after its
 * retries. A controller's events carry its own {@code source.component} (such as {@code
 * replicaset-controller}) and no host.
 */
public final class ApiServerEventSink implements EventSink, AutoCloseable {

  private static final Logger LOG = Logger.getLogger(ApiServerEventSink.class.getName());

  /** Upstream {@code maxQueuedEvents}. */
  static final int MAX_QUEUED_EVENTS = 1000;

  private final KubernetesClient client;
  private final String component;
  private final String host;
  private final Clock clock;
  private final ThreadPoolExecutor writer;
  private final AtomicLong dropped = new AtomicLong();

  /** Events of the kubelet of node {@code host}, timestamped by {@code clock}. */
  public ApiServerEventSink(KubernetesClient client, String host, Clock clock) {
    this(client, "kubelet", host, clock);
  }

  /**
   * Events of {@code component} ({@code source.component}), on node {@code host} ({@code
   * source.host}; null for a component of the control plane).
   */
  public ApiServerEventSink(KubernetesClient client, String component, String host, Clock clock) {
    this.client = client;
    this.component = component;
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
              Thread t = new Thread(r, component + "-events" + (host == null ? "" : "-" + host));
              t.setDaemon(true);
              return t;
            },
            (r, pool) -> {
              long n = dropped.incrementAndGet();
              if (!pool.isShutdown() && n % 1000 == 1) {
                LOG.warning(
                    component
                        + (host == null ? "" : " " + host)
                        + ": event queue full: dropped "
                        + n
                        + " so far");
              }
            });
  }

  @Override
  public void record(Event e) {
    String ns = e.namespace() == null || e.namespace().isEmpty() ? "default" : e.namespace();
    write(
        new ObjectReferenceBuilder()
            .withApiVersion("v1")
            .withKind(e.kind())
            .withNamespace("Node".equals(e.kind()) ? null : ns)
            .withName(e.name())
            .build(),
        ns,
        e.type(),
        e.reason(),
        e.message(),
        e.annotations());
  }

  /**
   * An event about {@code involved} (any kind: its {@code apiVersion}, {@code kind}, name,
   * namespace and UID are referenced, so that {@code kubectl describe} finds it).
   */
  public void record(HasMetadata involved, String type, String reason, String message) {
    String ns = involved.getMetadata().getNamespace();
    write(
        new ObjectReferenceBuilder()
            .withApiVersion(involved.getApiVersion())
            .withKind(involved.getKind())
            .withNamespace(ns)
            .withName(involved.getMetadata().getName())
            .withUid(involved.getMetadata().getUid())
            .withResourceVersion(involved.getMetadata().getResourceVersion())
            .build(),
        ns == null || ns.isEmpty() ? "default" : ns,
        type,
        reason,
        message,
        Map.of());
  }

  private void write(
      ObjectReference involved,
      String ns,
      String type,
      String reason,
      String message,
      Map<String, String> annotations) {
    if (writer.isShutdown()) {
      dropped.incrementAndGet();
      return;
    }
    String now = timestamp(clock.now());
    var event =
        new EventBuilder()
            .withNewMetadata()
            .withNamespace(ns)
            .withName(
                involved.getName()
                    + "."
                    + UUID.randomUUID().toString().replace("-", "").substring(0, 16))
            .withAnnotations(annotations.isEmpty() ? null : annotations)
            .endMetadata()
            .withInvolvedObject(involved)
            .withType(type)
            .withReason(reason)
            .withMessage(message)
            .withNewSource()
            .withComponent(component)
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
                component
                    + (host == null ? "" : " " + host)
                    + ": could not write event "
                    + reason
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
