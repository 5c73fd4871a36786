package io.kubelab.cluster.controller;

import io.kubelab.apimachinery.clock.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A controller's work queue: keys to sync, each at most once in the queue and never handed to two
 * workers at once, with delayed and rate-limited re-adds.
 *
 * <p>Upstream: client-go {@code util/workqueue} ({@code queue.go}, {@code delaying_queue.go},
 * {@code rate_limiting_queue.go}, {@code default_rate_limiters.go}), as {@code
 * workqueue.NewNamedRateLimitingQueue(workqueue.DefaultControllerRateLimiter(), name)} builds it:
 *
 * <ul>
 *   <li>{@link #add}: a key already waiting is not added twice (the <em>dirty</em> set); a key a
 *       worker is processing is only marked dirty and goes back into the queue when the worker
 *       calls {@link #done}, so one key is never synced by two workers at the same time;
 *   <li>{@link #addAfter}: the key is added once the delay has passed; a key already waiting for a
 *       later time is moved to the earlier one, never to a later one;
 *   <li>{@link #addRateLimited}: {@link #addAfter} with the larger of two limits: per key, {@value
 *       #BASE_DELAY_MS} ms doubled on every failure up to {@value #MAX_DELAY_SECONDS} s; overall, a
 *       token bucket of {@value #QPS} per second with a burst of {@value #BURST};
 *   <li>{@link #forget}: the key's failures are forgotten (its next failure waits 5 ms again).
 * </ul>
 *
 * <p>Delays run on the {@link Clock}, so a {@code FakeClock} test steps them.
 */
public final class RateLimitingQueue<T> {

  /** {@code DefaultControllerRateLimiter}'s per-item base delay. */
  static final long BASE_DELAY_MS = 5;

  /** {@code DefaultControllerRateLimiter}'s per-item maximum delay. */
  static final long MAX_DELAY_SECONDS = 1000;

  /**
   * {@code DefaultControllerRateLimiter}'s bucket: {@code rate.NewLimiter(rate.Limit(10), 100)}.
   */
  static final int QPS = 10;

  static final int BURST = 100;

  private final Clock clock;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition nonEmpty = lock.newCondition();
  private final ArrayDeque<T> queue = new ArrayDeque<>();
  private final Set<T> dirty = new HashSet<>();
  private final Set<T> processing = new HashSet<>();
  private final Map<T, Waiting> waiting = new HashMap<>();
  private final Map<T, Integer> failures = new HashMap<>();
  private boolean shuttingDown;

  // The token bucket (golang.org/x/time/rate.Limiter): tokens at the last update, and when.
  private double tokens = BURST;
  private Instant last;

  private record Waiting(Instant readyAt, Clock.Timer timer) {}

  public RateLimitingQueue(Clock clock) {
    this.clock = clock;
  }

  /** Queues {@code item} unless it is already queued; a key being processed waits for done. */
  public void add(T item) {
    lock.lock();
    try {
      if (shuttingDown || dirty.contains(item)) {
        return;
      }
      dirty.add(item);
      if (processing.contains(item)) {
        return;
      }
      queue.addLast(item);
      nonEmpty.signal();
    } finally {
      lock.unlock();
    }
  }

  /** Adds {@code item} after {@code delay} (at once when it is not positive). */
  public void addAfter(T item, Duration delay) {
    if (delay.isNegative() || delay.isZero()) {
      add(item);
      return;
    }
    lock.lock();
    try {
      if (shuttingDown) {
        return;
      }
      Instant readyAt = clock.now().plus(delay);
      Waiting w = waiting.get(item);
      if (w != null) {
        if (!readyAt.isBefore(w.readyAt())) {
          return; // only ever moved earlier
        }
        w.timer().close();
      }
      Clock.Timer[] self = new Clock.Timer[1];
      self[0] =
          clock.schedule(
              delay,
              () -> {
                lock.lock();
                try {
                  Waiting now = waiting.get(item);
                  if (now == null || now.timer() != self[0]) {
                    return;
                  }
                  waiting.remove(item);
                } finally {
                  lock.unlock();
                }
                add(item);
              });
      waiting.put(item, new Waiting(readyAt, self[0]));
    } finally {
      lock.unlock();
    }
  }

  /** Adds {@code item} once the rate limiter allows it ({@link #when}). */
  public void addRateLimited(T item) {
    addAfter(item, when(item));
  }

  /**
   * How long {@code item} must wait now ({@code MaxOfRateLimiter.When}): the larger of its
   * exponential back-off and the token bucket's wait. Both limiters count the call.
   */
  Duration when(T item) {
    lock.lock();
    try {
      int exp = failures.getOrDefault(item, 0);
      failures.put(item, exp + 1);
      Duration backoff = exponential(exp);
      Duration bucket = reserveToken();
      return backoff.compareTo(bucket) >= 0 ? backoff : bucket;
    } finally {
      lock.unlock();
    }
  }

  /** {@code ItemExponentialFailureRateLimiter.When}: base × 2^failures, at most the maximum. */
  static Duration exponential(int failures) {
    double nanos = TimeUnit.MILLISECONDS.toNanos(BASE_DELAY_MS) * Math.pow(2, failures);
    long max = TimeUnit.SECONDS.toNanos(MAX_DELAY_SECONDS);
    return nanos > max ? Duration.ofNanos(max) : Duration.ofNanos((long) nanos);
  }

  /** {@code rate.Limiter.Reserve().Delay()} for one token: refill, take, wait for the deficit. */
  private Duration reserveToken() {
    Instant now = clock.now();
    if (last != null) {
      double elapsed = Duration.between(last, now).toNanos() / 1e9;
      tokens = Math.min(BURST, tokens + Math.max(0, elapsed) * QPS);
    }
    last = now;
    tokens -= 1;
    return tokens >= 0 ? Duration.ZERO : Duration.ofNanos((long) (-tokens / QPS * 1e9));
  }

  /** Forgets {@code item}'s failures: its next rate-limited add waits the base delay again. */
  public void forget(T item) {
    lock.lock();
    try {
      failures.remove(item);
    } finally {
      lock.unlock();
    }
  }

  /** How often {@code item} has been rate-limited since it was last forgotten. */
  public int numRequeues(T item) {
    lock.lock();
    try {
      return failures.getOrDefault(item, 0);
    } finally {
      lock.unlock();
    }
  }

  /**
   * The next key, which the caller must hand back with {@link #done}; waits at most {@code timeout}
   * for one. Null when nothing came in time or the queue is shut down.
   */
  public T get(Duration timeout) throws InterruptedException {
    long nanos = timeout.toNanos();
    lock.lock();
    try {
      while (queue.isEmpty() && !shuttingDown) {
        if (nanos <= 0) {
          return null;
        }
        nanos = nonEmpty.awaitNanos(nanos);
      }
      return take();
    } finally {
      lock.unlock();
    }
  }

  /** The next key without waiting, or null. */
  public T poll() {
    lock.lock();
    try {
      return take();
    } finally {
      lock.unlock();
    }
  }

  private T take() {
    T item = queue.pollFirst();
    if (item != null) {
      processing.add(item);
      dirty.remove(item);
    }
    return item;
  }

  /** Marks {@code item} processed; if it was added meanwhile, it is queued again. */
  public void done(T item) {
    lock.lock();
    try {
      processing.remove(item);
      if (dirty.contains(item)) {
        queue.addLast(item);
        nonEmpty.signal();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Keys queued now (not those processing or waiting for a delay). */
  public int len() {
    lock.lock();
    try {
      return queue.size();
    } finally {
      lock.unlock();
    }
  }

  /** Keys waiting for their delay to pass. */
  public int waitingCount() {
    lock.lock();
    try {
      return waiting.size();
    } finally {
      lock.unlock();
    }
  }

  /** Refuses new keys, drops the delayed ones and wakes every waiting worker. */
  public void shutDown() {
    lock.lock();
    try {
      shuttingDown = true;
      waiting.values().forEach(w -> w.timer().close());
      waiting.clear();
      nonEmpty.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public boolean isShuttingDown() {
    lock.lock();
    try {
      return shuttingDown;
    } finally {
      lock.unlock();
    }
  }
}
