package io.kubelab.kubelet.kuberuntime;

import io.kubelab.apimachinery.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;

/**
 * Per-key exponential back-off: the crash-loop back-off of restarting containers.
 *
 * <p>Upstream: {@code k8s.io/client-go/util/flowcontrol/backoff.go} ({@code Backoff}, {@code Next},
 * {@code IsInBackOffSince}, {@code Get}, {@code GC}, {@code hasExpired}), created by the kubelet as
 * {@code NewBackOff(backOffPeriod = 10s, MaxContainerBackOff = 300s)}. Each {@link #next} doubles
 * the key's window up to the maximum; an event more than twice the maximum after the last update
 * starts over at the initial window.
 */
public final class Backoff {

  /** Upstream {@code backOffPeriod}. */
  public static final Duration BACK_OFF_PERIOD = Duration.ofSeconds(10);

  /** Upstream {@code MaxContainerBackOff}. */
  public static final Duration MAX_CONTAINER_BACK_OFF = Duration.ofSeconds(300);

  private record Entry(Duration backoff, Instant lastUpdate) {}

  private final Clock clock;
  private final Duration initial;
  private final Duration max;
  private final Map<String, Entry> perItem = new HashMap<>();

  public Backoff(Clock clock, Duration initial, Duration max) {
    this.clock = clock;
    this.initial = initial;
    this.max = max;
  }

  /** The kubelet's container back-off: 10 s doubling to 5 min. */
  public static Backoff forContainers(Clock clock) {
    return new Backoff(clock, BACK_OFF_PERIOD, MAX_CONTAINER_BACK_OFF);
  }

  /** The key's current window, zero if none. */
  public synchronized Duration get(String id) {
    Entry e = perItem.get(id);
    return e == null ? Duration.ZERO : e.backoff();
  }

  /** Moves the key to its next window (doubled, capped), or starts it over. */
  public synchronized void next(String id, Instant eventTime) {
    Entry e = perItem.get(id);
    Duration backoff;
    if (e == null || hasExpired(eventTime, e.lastUpdate())) {
      backoff = initial;
    } else {
      Duration doubled = e.backoff().multipliedBy(2);
      backoff = doubled.compareTo(max) < 0 ? doubled : max;
    }
    perItem.put(id, new Entry(backoff, clock.now()));
  }

  /** True while less than the key's window has passed since {@code eventTime}. */
  public synchronized boolean isInBackOffSince(String id, Instant eventTime) {
    Entry e = perItem.get(id);
    if (e == null || hasExpired(eventTime, e.lastUpdate())) {
      return false;
    }
    return clock.since(eventTime).compareTo(e.backoff()) < 0;
  }

  /** Forgets keys not updated for twice the maximum (the kubelet's housekeeping calls this). */
  public synchronized void gc() {
    Instant now = clock.now();
    perItem
        .values()
        .removeIf(e -> Duration.between(e.lastUpdate(), now).compareTo(max.multipliedBy(2)) > 0);
  }

  /** How many keys have a window. */
  public synchronized int size() {
    return perItem.size();
  }

  /** Stable after twice the maximum: "consider stable if it's ok for twice the maxDuration". */
  private boolean hasExpired(Instant eventTime, Instant lastUpdate) {
    return Duration.between(lastUpdate, eventTime).compareTo(max.multipliedBy(2)) > 0;
  }
}
