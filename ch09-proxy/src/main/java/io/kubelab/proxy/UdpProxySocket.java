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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

/**
 * A UDP socket for one service port, with one backend session per client address.
 *
 * <p>Upstream: {@code udpProxySocket}, {@code ClientCache}, {@code getBackendConn} and {@code
 * proxyClient} in {@code pkg/proxy/userspace/proxysocket.go}. Packets are read into a 4096-byte
 * buffer ("4KiB should be enough for most whole-packets"). A client seen for the first time gets an
 * endpoint from the load balancer and a socket connected to it; a worker copies the backend's
 * replies back to the client. The session ends after {@code udpIdleTimeout} (250 ms by default)
 * with no packet either way, or on an error, and is then removed from the cache.
 *
 * <p>Upstream moves a socket deadline on every packet. Here the reply reader blocks with a socket
 * timeout of one idle period and, when it fires, keeps waiting if a client packet went out during
 * that period; a session therefore ends between one and two idle periods after its last packet.
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
    loop = new Thread(() -> proxyLoop(service, info, loadBalancer), threadName);
    loop.setDaemon(true);
    loop.start();
  }

  private void proxyLoop(ServicePortName service, ServiceInfo info, LoadBalancerRR loadBalancer) {
    info.proxyLoopStarted();
    ByteBuffer buffer = ByteBuffer.allocate(BUFFER_SIZE);
    try {
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
        Session session = backendFor(service, client, loadBalancer);
        if (session != null) {
          session.forward(buffer.array(), buffer.position());
        }
      }
    } finally {
      info.proxyLoopEnded();
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
        LOG.log(Level.WARNING, "Couldn't find an endpoint for {0}: {1}", service, e.getMessage());
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
      s.setSoTimeout((int) Math.max(1, idleTimeout.toMillis()));
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
    private final AtomicLong forwarded = new AtomicLong();
    private final AtomicBoolean closed = new AtomicBoolean();

    Session(InetSocketAddress client, DatagramSocket backend) {
      this.client = client;
      this.backend = backend;
    }

    void forward(byte[] data, int length) {
      try {
        backend.send(new DatagramPacket(data, length));
        forwarded.incrementAndGet();
      } catch (IOException e) {
        LOG.log(Level.DEBUG, "Write failed: {0}", e.toString());
      }
    }

    /** Upstream's {@code proxyClient}: backend → client until idle or broken. */
    void proxyClient() {
      byte[] buf = new byte[BUFFER_SIZE];
      DatagramPacket packet = new DatagramPacket(buf, buf.length);
      long seen = forwarded.get();
      try {
        while (true) {
          try {
            packet.setLength(buf.length);
            backend.receive(packet);
          } catch (SocketTimeoutException e) {
            long now = forwarded.get();
            if (now == seen) {
              return; // idle for a whole period in both directions
            }
            seen = now;
            continue;
          }
          channel.send(ByteBuffer.wrap(buf, 0, packet.getLength()), client);
        }
      } catch (IOException e) {
        if (!closed.get()) {
          LOG.log(Level.DEBUG, "Read failed: {0}", e.toString());
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
