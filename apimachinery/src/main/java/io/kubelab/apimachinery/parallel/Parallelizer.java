package io.kubelab.apimachinery.parallel;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Runs {@code fn(0..pieces-1)} on up to {@code workers} threads, handing out pieces in chunks.
 *
 * <p>Upstream: {@code workqueue.ParallelizeUntil} in {@code k8s.io/client-go/util/workqueue/
 * parallelizer.go} (with its {@code WithChunkSize} option) and the scheduler's {@code
 * parallelize.Until} with {@link #chunkSizeFor}. Pieces are claimed chunk by chunk from a shared
 * counter, so a slow piece never holds up the rest; {@link Stop#stop()} (upstream: cancelling the
 * context) makes every worker stop claiming new chunks, which is how the scheduler stops searching
 * once it has found enough feasible nodes.
 *
 * <p>The calling thread works too; the other workers come from this parallelizer's pool of daemon
 * threads named {@code <name>-N}. If a piece throws, the others stop and the first exception is
 * rethrown to the caller after every worker has returned.
 */
public final class Parallelizer implements AutoCloseable {

  /** The scheduler's default parallelism ({@code parallelize.DefaultParallelism} = 16). */
  public static final int DEFAULT_PARALLELISM = 16;

  /** How often the caller spins waiting for its helpers before it parks (about 10-50 µs). */
  private static final int JOIN_SPINS = 1000;

  /** Added to the count of helpers inside a call once the caller stops admitting new ones. */
  private static final int CLOSED = Integer.MIN_VALUE / 2;

  private final int workers;
  // The worker count chunk sizes are computed for: upstream's parallelism, which may exceed the
  // threads that run the pieces (onCores).
  private final int parallelism;
  private final ExecutorService pool;
  private final List<Thread> threads = new CopyOnWriteArrayList<>();

  /** A parallelizer that runs on up to {@code workers} threads (the caller included). */
  public Parallelizer(String name, int workers) {
    this(name, workers, workers);
  }

  /**
   * Upstream's {@code parallelism} on this machine's processors: pieces are chunked for {@code
   * parallelism} workers, as upstream chunks them for its goroutines, and run on at most as many
   * threads as there are processors, as Go runs those goroutines on {@code GOMAXPROCS} threads.
   * More threads than processors only add hand-offs to work that never waits. For CPU-bound pieces
   * (the scheduler's filters, scores and preemption trials); pieces that wait for one another need
   * the plain constructor, which starts every worker.
   */
  public static Parallelizer onCores(String name, int parallelism) {
    if (parallelism < 1) {
      throw new IllegalArgumentException(
          "Parallelizer " + name + ": parallelism must be >= 1, got " + parallelism);
    }
    return new Parallelizer(
        name, Math.min(parallelism, Runtime.getRuntime().availableProcessors()), parallelism);
  }

  private Parallelizer(String name, int workers, int parallelism) {
    if (workers < 1) {
      throw new IllegalArgumentException("Parallelizer " + name + ": workers must be >= 1");
    }
    this.workers = workers;
    this.parallelism = parallelism;
    AtomicInteger n = new AtomicInteger();
    this.pool =
        workers == 1
            ? null
            : new ThreadPoolExecutor(
                workers - 1,
                workers - 1,
                0L,
                TimeUnit.MILLISECONDS,
                // Spinning helpers beyond the processors would only take them from the ones
                // working.
                workers <= Runtime.getRuntime().availableProcessors()
                    ? new SpinThenParkQueue()
                    : new LinkedBlockingQueue<>(),
                r -> {
                  Thread t = new Thread(r, name + "-" + n.incrementAndGet());
                  t.setDaemon(true);
                  threads.add(t);
                  return t;
                });
  }

  /** The threads that run pieces, the caller included. */
  public int workers() {
    return workers;
  }

  /** The worker count {@link #until(Stop, int, IntConsumer)} sizes its chunks for. */
  public int parallelism() {
    return parallelism;
  }

  /**
   * The scheduler's chunk size for {@code n} pieces: about {@code sqrt(n)}, at least 1, so each
   * worker claims a few large chunks instead of many single pieces.
   */
  public static int chunkSizeFor(int n, int parallelism) {
    int s = (int) Math.sqrt(n);
    int r = n / parallelism + 1;
    if (s > r) {
      s = r;
    }
    return Math.max(1, s);
  }

  /**
   * {@code fn(0..pieces-1)} on {@code workers}, or on the calling thread alone when there are none
   * ({@code workers} null) or a single piece.
   */
  public static void forEach(Parallelizer workers, int pieces, IntConsumer fn) {
    if (workers == null || pieces < 2) {
      for (int i = 0; i < pieces; i++) {
        fn.accept(i);
      }
    } else {
      workers.until(null, pieces, fn);
    }
  }

  /** {@link #until(Stop, int, int, IntConsumer)} with a chunk size of {@link #chunkSizeFor}. */
  public void until(Stop stop, int pieces, IntConsumer fn) {
    until(stop, pieces, chunkSizeFor(pieces, parallelism), fn);
  }

  /**
   * Runs {@code fn} for every piece in {@code [0, pieces)} exactly once, unless {@code stop} is
   * stopped first, in which case pieces not yet claimed are skipped.
   */
  public void until(Stop stop, int pieces, int chunkSize, IntConsumer fn) {
    untilChunks(
        stop,
        pieces,
        chunkSize,
        (from, to, s) -> {
          for (int i = from; i < to && !s.isStopped(); i++) {
            fn.accept(i);
          }
        });
  }

  /**
   * The pieces {@code [from, to)} of one chunk, run by the caller's own loop, which must skip the
   * pieces left once {@code stop} is stopped: {@code for (int i = from; i < to &&
   * !stop.isStopped(); i++)}.
   *
   * <p>Why the loop is the caller's: with {@link #until(Stop, int, IntConsumer)} one loop inside
   * this class calls every caller's piece, the scheduler's Filter, Score and preemption pieces
   * alike. The JIT compiles that loop for the first kind it sees, inlining it, and must throw the
   * code away and compile it again each time another kind comes by (hundreds of milliseconds of
   * compiler time on 2 cores), and ends with a call it cannot inline. A loop at each call site only
   * ever sees its own piece.
   */
  @FunctionalInterface
  public interface ChunkConsumer {
    void accept(int from, int to, Stop stop);
  }

  /**
   * {@link #untilChunks(Stop, int, int, ChunkConsumer)} with a chunk size of {@link #chunkSizeFor}.
   */
  public void untilChunks(Stop stop, int pieces, ChunkConsumer chunk) {
    untilChunks(stop, pieces, chunkSizeFor(pieces, parallelism), chunk);
  }

  /**
   * {@link #until(Stop, int, int, IntConsumer)} with the loop over each chunk's pieces written by
   * the caller ({@link ChunkConsumer}): every piece of {@code [0, pieces)} exactly once, unless
   * {@code stop} is stopped first.
   */
  public void untilChunks(Stop stop, int pieces, int chunkSize, ChunkConsumer chunk) {
    if (pieces < 0) {
      throw new IllegalArgumentException("pieces must be >= 0, got " + pieces);
    }
    if (chunkSize < 1) {
      throw new IllegalArgumentException("chunkSize must be >= 1, got " + chunkSize);
    }
    if (pieces == 0) {
      return;
    }
    Stop s = stop == null ? new Stop() : stop;
    int chunks = (int) ((pieces + (long) chunkSize - 1) / chunkSize);
    int n = Math.min(workers, chunks);
    AtomicInteger nextChunk = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    Runnable work =
        () -> {
          try {
            while (!s.isStopped()) {
              int c = nextChunk.getAndIncrement();
              if (c >= chunks) {
                return;
              }
              int end = (int) Math.min(pieces, (c + 1L) * chunkSize);
              chunk.accept((int) ((long) c * chunkSize), end, s);
            }
          } catch (Throwable t) {
            failure.compareAndSet(null, t);
            s.stop();
          }
        };
    if (n == 1) {
      work.run();
    } else {
      // Helpers that have not started by the time the caller runs out of chunks have nothing
      // left to do, so the caller closes the gate and waits only for helpers already inside.
      // Waiting for queued helpers instead would deadlock a nested call on a busy pool.
      AtomicInteger inside = new AtomicInteger();
      Thread caller = Thread.currentThread();
      for (int w = 0; w < n - 1; w++) {
        pool.execute(
            () -> {
              if (inside.getAndIncrement() < 0) {
                if (inside.decrementAndGet() == CLOSED) {
                  LockSupport.unpark(caller);
                }
                return;
              }
              try {
                work.run();
              } finally {
                if (inside.decrementAndGet() == CLOSED) {
                  LockSupport.unpark(caller);
                }
              }
            });
      }
      work.run();
      inside.addAndGet(CLOSED);
      // A helper still inside is finishing its last piece or chunk: usually a matter of
      // microseconds, less than it takes to park and be woken again, so spin a little first.
      for (int spin = 0; spin < JOIN_SPINS && inside.get() != CLOSED; spin++) {
        Thread.onSpinWait();
      }
      while (inside.get() != CLOSED) {
        LockSupport.park(this);
      }
    }
    Throwable t = failure.get();
    if (t instanceof RuntimeException re) {
      throw re;
    }
    if (t instanceof Error e) {
      throw e;
    }
    if (t != null) {
      throw new IllegalStateException(t);
    }
  }

  /**
   * Stops the worker threads and joins them (at most 5 s each): when it returns they have exited,
   * not merely finished their tasks.
   */
  @Override
  public void close() {
    if (pool != null) {
      pool.shutdownNow();
      try {
        pool.awaitTermination(5, TimeUnit.SECONDS);
        for (Thread t : threads) {
          t.join(5_000);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  /**
   * The workers' queue when there are no more of them than processors: a worker that finds it empty
   * keeps looking for {@link #SPIN}, calling {@link Thread#yield} between looks (a hint that
   * another runnable thread may have the processor), before it parks. The scheduler calls {@code
   * until} several times per pod a few tens of microseconds apart (Filter, then Score; the next
   * pod's Filter); a worker still looking takes the next call's pieces at once, where a parked one
   * costs a wake-up on each side (a futex call and two context switches, a good part of a cycle on
   * 2 cores). Go's scheduler does much the same for goroutines: an idle thread spins looking for
   * work before it sleeps (at most half as many spinning as busy), which is why upstream's
   * hand-offs to its 16 goroutines are cheap.
   */
  static final class SpinThenParkQueue extends LinkedBlockingQueue<Runnable> {
    private static final long serialVersionUID = 1L;

    /** How long an idle worker keeps looking before it parks. */
    static final long SPIN = TimeUnit.MICROSECONDS.toNanos(50);

    @Override
    public Runnable take() throws InterruptedException {
      long end = System.nanoTime() + SPIN;
      do {
        Runnable r = poll();
        if (r != null) {
          return r;
        }
        Thread.yield();
      } while (System.nanoTime() - end < 0);
      return super.take();
    }
  }

  /** A cancellation signal shared by the workers of one call (upstream: a context). */
  public static final class Stop {
    private final AtomicBoolean stopped = new AtomicBoolean();

    public void stop() {
      stopped.set(true);
    }

    public boolean isStopped() {
      return stopped.get();
    }
  }
}
