package io.kubelab.cli;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

/**
 * How a long-running command ({@code kubelab up}, {@code kubelab scheduler}) waits for Ctrl-C and
 * lets what it runs close before the JVM halts: {@link #install} adds a shutdown hook that calls
 * {@link #stop} and then waits (at most 30 s) for {@link #close}, since the JVM halts as soon as
 * its shutdown hooks return. The command awaits {@link #await}, closes what it runs, then closes
 * this.
 */
final class UntilStopped implements AutoCloseable {

  private final CountDownLatch stop = new CountDownLatch(1);
  private final CountDownLatch closed = new CountDownLatch(1);
  private Thread hook;

  /** Adds the shutdown hook, a thread named {@code name}. */
  UntilStopped install(String name) {
    hook = new Thread(this::stopAndWait, name);
    Runtime.getRuntime().addShutdownHook(hook);
    return this;
  }

  /** Blocks until {@link #stop}. */
  void await() throws InterruptedException {
    stop.await();
  }

  /** Ends {@link #await} (what Ctrl-C does, and tests). */
  void stop() {
    stop.countDown();
  }

  private void stopAndWait() {
    stop.countDown();
    try {
      closed.await(30, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** What the command ran is closed: lets the hook return, and removes it unless it is running. */
  @Override
  public void close() {
    closed.countDown();
    if (hook != null) {
      try {
        Runtime.getRuntime().removeShutdownHook(hook);
      } catch (IllegalStateException shuttingDown) {
        // the hook is running: it is what stopped us
      }
    }
  }
}
