package io.kubelab.proxy;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One proxied TCP connection: client ⇄ proxy ⇄ backend, one thread per direction.
 *
 * <p>Upstream: {@code ProxyTCP} and {@code copyBytes} in {@code pkg/proxy/userspace/
 * proxysocket.go}. We differ in how a direction ends. Upstream closes both sockets as soon as
 * either copy returns, which cuts off a reply still in flight after the client half-closes (the
 * classic "send request, shutdown(SHUT_WR), read response" pattern). Here a direction that reads
 * end-of-stream passes it on with {@code shutdownOutput()} and only the second direction to finish
 * closes both sockets. An I/O error (a reset, a close from {@link ProxyWorkers#close()}) still
 * tears down both at once, as upstream does.
 */
final class TcpConnection implements AutoCloseable {

  private static final System.Logger LOG = System.getLogger(TcpConnection.class.getName());

  private final ServicePortName service;
  private final SocketChannel client;
  private final SocketChannel backend;
  private final ProxyWorkers workers;
  private final AtomicInteger directionsLeft = new AtomicInteger(2);
  private final AtomicBoolean closed = new AtomicBoolean();

  TcpConnection(
      ServicePortName service, SocketChannel client, SocketChannel backend, ProxyWorkers workers) {
    this.service = service;
    this.client = client;
    this.backend = backend;
    this.workers = workers;
  }

  /**
   * Copies both ways until both are done. Runs "to backend" on the calling worker and hands "from
   * backend" to another, as upstream's two {@code copyBytes} goroutines.
   */
  void run() {
    workers.register(this);
    if (!workers.execute(() -> copy("from backend", backend, client))) {
      close();
      return;
    }
    copy("to backend", client, backend);
  }

  private void copy(String direction, SocketChannel src, SocketChannel dst) {
    ByteBuffer buf = workers.buffer();
    try {
      while (src.read(buf) >= 0) {
        buf.flip();
        while (buf.hasRemaining()) {
          dst.write(buf);
        }
        buf.clear();
      }
      // End of stream: pass the FIN on and keep the other direction going.
      dst.shutdownOutput();
      finishDirection();
    } catch (IOException e) {
      if (!closed.get()) {
        LOG.log(Level.DEBUG, "I/O error {0} for {1}: {2}", direction, service, e.toString());
      }
      close();
    }
  }

  private void finishDirection() {
    if (directionsLeft.decrementAndGet() == 0) {
      close();
    }
  }

  /** Closes both sockets; the copy threads blocked on them return. Idempotent. */
  @Override
  public void close() {
    if (closed.compareAndSet(false, true)) {
      closeQuietly(client);
      closeQuietly(backend);
      workers.deregister(this);
    }
  }

  private static void closeQuietly(SocketChannel c) {
    try {
      c.close();
    } catch (IOException e) {
      // Nothing to do: the socket is gone either way.
    }
  }
}
