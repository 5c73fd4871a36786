package io.kubelab.kubelet.util;

import io.grpc.BindableService;
import io.grpc.ConnectivityState;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.netty.shaded.io.netty.channel.EventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.MultiThreadIoEventLoopGroup;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollIoHandler;
import io.grpc.netty.shaded.io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.grpc.netty.shaded.io.netty.channel.unix.DomainSocketAddress;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * gRPC over Unix domain sockets, the transport of upstream's device plugins and plugin registration
 * ({@code grpc.Dial} with a {@code unix} dialer, {@code net.Listen("unix", path)}): Netty's native
 * epoll transport as grpc-netty-shaded ships it. One {@code UnixGrpc} owns one event loop; {@link
 * #close()} shuts it down and waits for its threads.
 */
public final class UnixGrpc implements AutoCloseable {

  /**
   * The HTTP/2 flow-control window of every connection, grpc-java's default size (1 MiB) but fixed.
   * Setting it turns off grpc-java's automatic window tuning, which answers data with a
   * bandwidth-delay PING on both sides of a connection: on a unary call of a few hundred bytes that
   * is two more frames and event-loop wake-ups per call and nothing to tune. Messages on these
   * sockets are small (device lists, allocation responses, plugin info), far below the window.
   */
  static final int FLOW_CONTROL_WINDOW = 1 << 20;

  private final String name;
  private final EventLoopGroup loop;

  /**
   * @param name names the event loop's threads ({@code <name>-epoll-N})
   */
  public UnixGrpc(String name) {
    this.name = name;
    AtomicInteger n = new AtomicInteger();
    ThreadFactory tf =
        r -> {
          Thread t = new Thread(r, name + "-epoll-" + n.incrementAndGet());
          t.setDaemon(true);
          return t;
        };
    this.loop = new MultiThreadIoEventLoopGroup(1, tf, EpollIoHandler.newFactory());
  }

  /**
   * Listens on {@code socket} and serves the services; calls run on {@code executor}.
   *
   * @throws UncheckedIOException naming the socket if it cannot be bound
   */
  public Server serve(Path socket, Executor executor, BindableService... services) {
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(new DomainSocketAddress(socket.toString()))
            .channelType(EpollServerDomainSocketChannel.class)
            .bossEventLoopGroup(loop)
            .workerEventLoopGroup(loop)
            .executor(executor)
            .flowControlWindow(FLOW_CONTROL_WINDOW);
    for (BindableService s : services) {
      b.addService(s);
    }
    try {
      return b.build().start();
    } catch (IOException e) {
      throw new UncheckedIOException(name + ": failed to listen on " + socket + ": " + e, e);
    }
  }

  /**
   * A channel to the server on {@code socket}; connects lazily (see {@link #awaitReady}). Retries
   * are off: the kubelet configures none for these services, and grpc-java's retry layer (which
   * also makes transparent retries) buffers every call's messages and adds a thread hand-off per
   * call; a failed call is reported to the caller at once, as upstream's callers expect.
   *
   * <p>A channel shut down after its owner closed {@code executor} (a dial cut short by the owner's
   * close) still has callbacks to deliver. Nothing of a closed component may run any more (a
   * kubelet that stops runs nothing after), so they are dropped, quietly: refused, gRPC would log
   * each as an uncaught "Panic!".
   */
  public ManagedChannel channel(Path socket, Executor executor) {
    Executor unlessClosed =
        task -> {
          try {
            executor.execute(task);
          } catch (RejectedExecutionException closed) {
            // the owner has closed: drop it
          }
        };
    return NettyChannelBuilder.forAddress(new DomainSocketAddress(socket.toString()))
        .channelType(EpollDomainSocketChannel.class)
        .eventLoopGroup(loop)
        .executor(unlessClosed)
        .usePlaintext()
        .flowControlWindow(FLOW_CONTROL_WINDOW)
        .disableRetry()
        .build();
  }

  /**
   * Connects and waits until the channel is ready, upstream's blocking dial ({@code
   * grpc.WithBlock()} under a context timeout). A failed attempt is retried until the timeout, as
   * gRPC-Go retries a blocking dial.
   *
   * @return false if it was not ready in time
   */
  public static boolean awaitReady(ManagedChannel channel, Duration timeout)
      throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      ConnectivityState s = channel.getState(true);
      if (s == ConnectivityState.READY) {
        return true;
      }
      if (s == ConnectivityState.SHUTDOWN) {
        return false;
      }
      if (s == ConnectivityState.TRANSIENT_FAILURE) {
        channel.resetConnectBackoff();
      }
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        return false;
      }
      CountDownLatch changed = new CountDownLatch(1);
      channel.notifyWhenStateChanged(s, changed::countDown);
      changed.await(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
    }
  }

  /** Shuts a channel down and waits (at most 10 s) until its calls have ended. */
  public static void shutdown(ManagedChannel channel) {
    channel.shutdownNow();
    try {
      channel.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Stops a server at once and waits (at most 10 s) until it has terminated. */
  public static void shutdown(Server server) {
    server.shutdownNow();
    try {
      server.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Shuts the event loop down and waits (at most 10 s) for its threads to end. */
  @Override
  public void close() {
    loop.shutdownGracefully(0, 2, TimeUnit.SECONDS).awaitUninterruptibly(10, TimeUnit.SECONDS);
  }

  @Override
  public String toString() {
    return "UnixGrpc[" + name + "]";
  }
}
