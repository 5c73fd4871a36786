package io.kubelab.proxy.bench;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketException;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A TCP backend for tests and the comparison script: echoes every byte, passes the client's
 * half-close on, counts connections. With {@code countOnly}, it reads to end-of-stream and only
 * then replies {@code "got N"}, which only works through a proxy that half-closes correctly.
 */
public final class EchoServer implements AutoCloseable {

  private final ServerSocket server;
  private final String name;
  private final boolean countOnly;
  private final AtomicInteger accepted = new AtomicInteger();
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();
  private final ExecutorService pool;
  private final Set<Thread> threads = ConcurrentHashMap.newKeySet();
  private final Thread acceptor;

  public EchoServer(String name) throws IOException {
    this(name, 0, false);
  }

  public EchoServer(String name, int port, boolean countOnly) throws IOException {
    this.name = name;
    this.countOnly = countOnly;
    this.server = new ServerSocket();
    server.setReuseAddress(true);
    server.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1024);
    AtomicInteger n = new AtomicInteger();
    this.pool =
        new ThreadPoolExecutor(
            0,
            Integer.MAX_VALUE,
            10,
            TimeUnit.SECONDS,
            new SynchronousQueue<>(),
            r -> {
              Thread t = new Thread(r, "echo-" + name + "-" + n.incrementAndGet());
              t.setDaemon(true);
              threads.add(t);
              return t;
            });
    this.acceptor = new Thread(this::acceptLoop, "echo-" + name + "-accept");
    acceptor.setDaemon(true);
    acceptor.start();
  }

  public int port() {
    return server.getLocalPort();
  }

  public String name() {
    return name;
  }

  /** Waits until every accepted connection has been closed on this side. */
  public boolean awaitIdle(java.time.Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (open) {
      while (!open.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        TimeUnit.NANOSECONDS.timedWait(open, left);
      }
    }
    return true;
  }

  /** Connections accepted so far. */
  public int accepted() {
    return accepted.get();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException e) {
        return;
      }
      accepted.incrementAndGet();
      open.add(s);
      try {
        pool.execute(() -> serve(s));
      } catch (RuntimeException e) {
        closeQuietly(s);
      }
    }
  }

  private void serve(Socket s) {
    byte[] buf = new byte[64 * 1024];
    try (s) {
      s.setTcpNoDelay(true);
      InputStream in = s.getInputStream();
      OutputStream out = s.getOutputStream();
      long total = 0;
      int n;
      while ((n = in.read(buf)) >= 0) {
        total += n;
        if (!countOnly) {
          out.write(buf, 0, n);
        }
      }
      if (countOnly) {
        out.write(("got " + total).getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      }
      s.shutdownOutput();
      // Wait for the peer to close its side too, so the close below never resets the stream.
      while (in.read(buf) >= 0) {
        // drain
      }
    } catch (SocketException e) {
      // Reset or closed by close(): the connection is over.
    } catch (IOException e) {
      // Same: a test backend has nothing to report.
    } finally {
      open.remove(s);
      synchronized (open) {
        open.notifyAll();
      }
    }
  }

  private static void closeQuietly(Socket s) {
    try {
      s.close();
    } catch (IOException e) {
      // gone either way
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
    for (Socket s : open) {
      closeQuietly(s);
    }
    pool.shutdownNow();
    try {
      acceptor.join(5_000);
      pool.awaitTermination(5, TimeUnit.SECONDS);
      for (Thread t : threads) {
        t.join(5_000);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** {@code EchoServer <port>}: a standalone backend for bench/compare.sh. */
  public static void main(String[] args) throws Exception {
    int port = Integer.parseInt(args[0]);
    try (EchoServer s = new EchoServer("main", port, false)) {
      System.out.println("echo listening on 127.0.0.1:" + s.port());
      new java.util.concurrent.CountDownLatch(1).await();
    }
  }
}
