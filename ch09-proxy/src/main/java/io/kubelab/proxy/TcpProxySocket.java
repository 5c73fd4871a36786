package io.kubelab.proxy;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.Channel;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

/**
 * A TCP listener for one service port and its accept loop.
 *
 * <p>Upstream: {@code tcpProxySocket} and its {@code ProxyLoop} in {@code pkg/proxy/userspace/
 * proxysocket.go}. The loop accepts while the service is alive and returns once the listener is
 * closed. Each accepted connection asks the load balancer for an endpoint, dials it ({@link
 * EndpointDialer}) and is then copied both ways ({@link TcpConnection}); if no endpoint answers the
 * client's connection is closed. Unlike upstream, the dial runs on a worker rather than on the
 * accept thread (upstream's own TODO: "This could spin up a new goroutine to make the outbound
 * connection, and keep accepting inbound traffic"), so one slow backend cannot stall new clients.
 * Both sockets get {@code TCP_NODELAY}, which Go sets on every TCP connection by default.
 */
final class TcpProxySocket implements ProxySocket {

  private static final System.Logger LOG = System.getLogger(TcpProxySocket.class.getName());

  /**
   * Go's listen backlog is {@code net.core.somaxconn}; the kernel caps any backlog at that value,
   * so asking for more than a usual {@code somaxconn} (4096 since Linux 5.4) gives the same.
   */
  static final int LISTEN_BACKLOG = 65535;

  private final ServerSocketChannel listener;
  private final InetSocketAddress address;
  private final int listenPort;
  private final ProxyWorkers workers;
  private final String threadName;
  private Thread loop;

  private TcpProxySocket(
      ServerSocketChannel listener, int listenPort, ProxyWorkers workers, String threadName)
      throws IOException {
    this.listener = listener;
    this.address = (InetSocketAddress) listener.getLocalAddress();
    this.listenPort = listenPort;
    this.workers = workers;
    this.threadName = threadName;
  }

  /** Binds {@code ip:port} (port 0: the kernel chooses). */
  static TcpProxySocket open(InetSocketAddress bind, ProxyWorkers workers, String threadName)
      throws IOException {
    ServerSocketChannel ch = ServerSocketChannel.open();
    try {
      // Like Go's net.Listen: a restarted proxy can rebind while old connections sit in TIME_WAIT.
      ch.setOption(StandardSocketOptions.SO_REUSEADDR, true);
      // Go asks for net.core.somaxconn; the kernel caps any larger backlog at that value.
      ch.bind(bind, LISTEN_BACKLOG);
      return new TcpProxySocket(ch, bind.getPort(), workers, threadName);
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  @Override
  public InetSocketAddress address() {
    return address;
  }

  @Override
  public int listenPort() {
    return listenPort;
  }

  @Override
  public void start(ServicePortName service, ServiceInfo info, LoadBalancerRR loadBalancer) {
    loop =
        new Thread(
            () -> {
              try {
                proxyLoop(service, info, loadBalancer);
              } finally {
                info.proxyLoopEnded(this);
              }
            },
            threadName);
    loop.setDaemon(true);
    // Counted before the thread runs, so the count is exact as soon as the service is added.
    info.proxyLoopStarted(this);
    loop.start();
  }

  private void proxyLoop(ServicePortName service, ServiceInfo info, LoadBalancerRR loadBalancer) {
    while (info.isAlive()) {
      SocketChannel in;
      try {
        in = listener.accept();
      } catch (ClosedChannelException e) {
        return;
      } catch (IOException e) {
        if (!info.isAlive() || !listener.isOpen()) {
          return;
        }
        // Upstream panics on "too many open files" to get the process restarted; a library
        // should not kill its host, so the loop ends and the failure is logged loudly.
        LOG.log(Level.ERROR, "Accept failed: {0}", e.toString());
        if (String.valueOf(e.getMessage()).contains("Too many open files")) {
          return;
        }
        continue;
      }
      if (!workers.execute(() -> connect(service, in, loadBalancer))) {
        closeQuietly(in);
      }
    }
  }

  /**
   * Dials an endpoint for an accepted client, then copies both ways. Everything that can fail on
   * the client's socket happens before the dial, so a backend connection, once made, always goes to
   * a {@link TcpConnection} that owns and closes it.
   */
  private void connect(ServicePortName service, SocketChannel in, LoadBalancerRR loadBalancer) {
    SocketChannel out;
    try {
      in.setOption(StandardSocketOptions.TCP_NODELAY, true);
      InetSocketAddress client = (InetSocketAddress) in.getRemoteAddress();
      out = EndpointDialer.tryConnectEndpoints(service, client, loadBalancer, TcpProxySocket::dial);
    } catch (LoadBalancerException | IOException e) {
      LOG.log(Level.ERROR, "Failed to connect to balancer: {0}", e.getMessage());
      closeQuietly(in);
      return;
    }
    new TcpConnection(service, in, out, workers).run();
  }

  /** One dial attempt with a connect timeout. */
  static SocketChannel dial(Endpoint endpoint, Duration timeout) throws IOException {
    SocketChannel ch = SocketChannel.open();
    try {
      ch.socket().connect(endpoint.address(), (int) Math.max(1, timeout.toMillis()));
      ch.setOption(StandardSocketOptions.TCP_NODELAY, true);
      return ch;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
  }

  @Override
  public void close() {
    closeQuietly(listener);
    Thread t = loop;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
  }

  private static void closeQuietly(Channel c) {
    try {
      c.close();
    } catch (IOException e) {
      // The socket is gone either way.
    }
  }
}
