package io.kubelab.proxy;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.DatagramChannel;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * A UDP socket for one service port, with one backend session per client address.
 *
 * <p>Upstream: {@code udpProxySocket}, {@code ClientCache}, {@code getBackendConn} and {@code
 * proxyClient} in {@code pkg/proxy/userspace/proxysocket.go}. Packets are read into a 4096-byte
 * buffer ("4KiB should be enough for most whole-packets"). A client seen for the first time gets an
 * endpoint from the load balancer and a socket connected to it; a worker copies the backend's
 * replies back to the client. Every packet either way moves the session's deadline to {@code
 * udpIdleTimeout} (250 ms by default) from then, as upstream's {@code SetDeadline} calls do; the
 * session ends when the deadline passes or on an error, and is then removed from the cache.
 */
final class UdpProxySocket implements ProxySocket {

  private static final System.Logger LOG = System.getLogger(UdpProxySocket.class.getName());

  /** Upstream's per-read buffer: one whole datagram of up to 4 KiB. */
  static final int BUFFER_SIZE = 4096;

  private final DatagramChannel channel;
  private final InetSocketAddress address;
  private final int listenPort;
  private final ProxyWorkers workers;
  private final String threadName;
  private final Duration idleTimeout;
  private final Map<InetSocketAddress, Session> activeClients = new HashMap<>();
  private Thread loop;

  private UdpProxySocket(
      DatagramChannel channel,
      int listenPort,
      ProxyWorkers workers,
      String threadName,
      Duration idleTimeout)
      throws IOException {
    this.channel = channel;
    this.address = (InetSocketAddress) channel.getLocalAddress();
    this.listenPort = listenPort;
    this.workers = workers;
    this.threadName = threadName;
    this.idleTimeout = idleTimeout;
  }

  static UdpProxySocket open(
      InetSocketAddress bind, ProxyWorkers workers, String threadName, Duration idleTimeout)
      throws IOException {
    DatagramChannel ch = DatagramChannel.open();
    try {
      ch.bind(bind);
      return new UdpProxySocket(ch, bind.getPort(), workers, threadName, idleTimeout);
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
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    while (info.isAlive()) {
      buffer.clear();
      InetSocketAddress client;
      try {
        client = (InetSocketAddress) channel.receive(buffer);
      } catch (IOException e) {
        if (info.isAlive() && channel.isOpen()) {
          LOG.log(Level.ERROR, "ReadFrom failed, exiting ProxyLoop: {0}", e.toString());
        }
        return;
      }
      // A failed dial was logged by the dialer; upstream drops the packet and reads the next.
      Session session = backendFor(service, client, loadBalancer);
      if (session != null) {
        session.forward(buffer.array(), buffer.position());
      }
    }
  }

  /** Upstream's {@code getBackendConn}: the client's session, dialled on first sight. */
  private Session backendFor(
      ServicePortName service, InetSocketAddress client, LoadBalancerRR loadBalancer) {
    synchronized (activeClients) {
      Session s = activeClients.get(client);
      if (s != null) {
        return s;
      }
      DatagramSocket backend;
      try {
        backend = EndpointDialer.tryConnectEndpoints(service, client, loadBalancer, this::dialUdp);
      } catch (LoadBalancerException | IOException e) {
        return null;
      }
      s = new Session(client, backend);
      activeClients.put(client, s);
      workers.register(s);
      Session started = s;
      if (!workers.execute(started::proxyClient)) {
        started.close();
        return null;
      }
      return s;
    }
  }

  private DatagramSocket dialUdp(Endpoint endpoint, Duration ignoredTimeout) throws IOException {
    // A UDP "dial" only fixes the peer address; it cannot time out.
    DatagramSocket s = new DatagramSocket(new InetSocketAddress(0));
    try {
      s.connect(endpoint.address());
      return s;
    } catch (IOException e) {
      s.close();
      throw e;
    }
  }

  /** Number of clients with a live session. */
  int activeClients() {
    synchronized (activeClients) {
      return activeClients.size();
    }
  }

  /** One client's backend socket and the worker copying replies back to it. */
  private final class Session implements AutoCloseable {
    private final InetSocketAddress client;
    private final DatagramSocket backend;
    private final AtomicBoolean closed = new AtomicBoolean();

    /** {@link System#nanoTime()} after which the session is idle: upstream's socket deadline. */
    private volatile long deadline;

    Session(InetSocketAddress client, DatagramSocket backend) {
      this.client = client;
      this.backend = backend;
      extendDeadline();
    }

    private void extendDeadline() {
      deadline = System.nanoTime() + idleTimeout.toNanos();
    }

    /** Client → backend, from the proxy loop; moves the deadline as upstream's loop does. */
    void forward(byte[] data, int length) {
      try {
        backend.send(new DatagramPacket(data, length));
        extendDeadline();
      } catch (IOException e) {
        LOG.log(Level.ERROR, "Write failed: {0}", e.toString());
      }
    }

    /** Upstream's {@code proxyClient}: backend → client until the deadline passes or an error. */
    void proxyClient() {
      byte[] buf = new byte[BUFFER_SIZE];
      DatagramPacket packet = new DatagramPacket(buf, buf.length);
      try {
        while (true) {
          long left = deadline - System.nanoTime();
          if (left <= 0) {
            return; // idle for udpIdleTimeout in both directions
          }
          // A socket timeout cannot move once set, so wait for what is left and look again: a
          // client packet may have moved the deadline meanwhile.
          backend.setSoTimeout((int) Math.max(1, TimeUnit.NANOSECONDS.toMillis(left)));
          try {
            packet.setLength(buf.length);
            backend.receive(packet);
          } catch (SocketTimeoutException e) {
            continue;
          }
          extendDeadline();
          try {
            channel.send(ByteBuffer.wrap(buf, 0, packet.getLength()), client);
          } catch (IOException e) {
            if (!closed.get()) {
              LOG.log(Level.ERROR, "WriteTo failed: {0}", e.toString());
            }
            return;
          }
        }
      } catch (IOException e) {
        if (!closed.get()) {
          LOG.log(Level.ERROR, "Read failed: {0}", e.toString());
        }
      } finally {
        close();
      }
    }

    @Override
    public void close() {
      if (closed.compareAndSet(false, true)) {
        backend.close();
        synchronized (activeClients) {
          activeClients.remove(client, this);
        }
        workers.deregister(this);
      }
    }
  }

  @Override
  public void close() {
    try {
      channel.close();
    } catch (IOException e) {
      // The socket is gone either way.
    }
    Thread t = loop;
    if (t != null && t != Thread.currentThread()) {
      try {
        t.join(5_000);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }
    Session[] sessions;
    synchronized (activeClients) {
      sessions = activeClients.values().toArray(new Session[0]);
    }
    for (Session s : sessions) {
      s.close();
    }
  }
}
