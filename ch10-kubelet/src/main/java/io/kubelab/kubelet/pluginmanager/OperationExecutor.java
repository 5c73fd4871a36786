package io.kubelab.kubelet.pluginmanager;

import io.kubelab.apimachinery.clock.Clock;
import java.lang.System.Logger.Level;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.Executor;

/**
 * Runs register and unregister operations, at most one per socket at a time; after a failure the
 * socket's next operation is refused for 500 ms, doubling with each further failure up to 2 min 2
 * s.
 *
 * <p>Upstream: {@code pkg/kubelet/pluginmanager/operationexecutor/operation_executor.go} over
 * {@code pkg/util/goroutinemap} with {@code exponentialBackOffOnError=true} and {@code
 * pkg/util/goroutinemap/exponentialbackoff}.
 */
final class OperationExecutor {

  private static final System.Logger LOG = System.getLogger(OperationExecutor.class.getName());

  static final Duration INITIAL_DURATION_BEFORE_RETRY = Duration.ofMillis(500);
  static final Duration MAX_DURATION_BEFORE_RETRY = Duration.ofMinutes(2).plusSeconds(2);

  /** Why an operation was not started; the reconciler expects both and ignores them. */
  static final class RefusedException extends Exception {
    private static final long serialVersionUID = 1L;

    RefusedException(String message) {
      super(message);
    }
  }

  private static final class Op {
    boolean running;
    Instant lastErrorTime;
    Duration durationBeforeRetry = Duration.ZERO;
  }

  private final Clock clock;
  private final Executor executor;
  private final Map<String, Op> ops = new HashMap<>(); // guarded by this

  OperationExecutor(Clock clock, Executor executor) {
    this.clock = clock;
    this.executor = executor;
  }

  /**
   * Upstream {@code goroutinemap.Run}: starts {@code op} for {@code key} unless one is running or
   * the key is backing off.
   */
  synchronized void run(String key, Callable<Void> op) throws RefusedException {
    Op o = ops.get(key);
    if (o != null) {
      if (o.running) {
        throw new RefusedException(
            "Failed to create operation with name \""
                + key
                + "\". An operation with that name is already executing.");
      }
      Instant retryAt = o.lastErrorTime.plus(o.durationBeforeRetry);
      if (clock.now().isBefore(retryAt)) {
        throw new RefusedException(
            "Operation for \""
                + key
                + "\" failed. No retries permitted until "
                + retryAt
                + " (durationBeforeRetry "
                + o.durationBeforeRetry
                + ")");
      }
    } else {
      o = new Op();
      ops.put(key, o);
    }
    o.running = true;
    Op mine = o;
    executor.execute(
        () -> {
          Exception err = null;
          try {
            op.call();
          } catch (Exception e) {
            err = e;
          }
          finished(key, mine, err);
        });
  }

  private synchronized void finished(String key, Op o, Exception err) {
    o.running = false;
    if (err == null) {
      ops.remove(key);
      return;
    }
    o.lastErrorTime = clock.now();
    if (o.durationBeforeRetry.isZero()) {
      o.durationBeforeRetry = INITIAL_DURATION_BEFORE_RETRY;
    } else {
      o.durationBeforeRetry = o.durationBeforeRetry.multipliedBy(2);
      if (o.durationBeforeRetry.compareTo(MAX_DURATION_BEFORE_RETRY) > 0) {
        o.durationBeforeRetry = MAX_DURATION_BEFORE_RETRY;
      }
    }
    LOG.log(Level.ERROR, "operation for \"" + key + "\" failed with: " + err.getMessage());
  }

  /** The back-off in force for a key (zero when none); for tests and the chapter. */
  synchronized Duration durationBeforeRetry(String key) {
    Op o = ops.get(key);
    return o == null ? Duration.ZERO : o.durationBeforeRetry;
  }

  synchronized boolean isRunning(String key) {
    Op o = ops.get(key);
    return o != null && o.running;
  }
}
