package io.kubelab.cluster.apiserver;

import io.fabric8.kubernetes.api.model.HasMetadata;
import io.kubelab.apimachinery.clock.Clock;
import io.kubelab.apimachinery.clock.SystemClock;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import tools.jackson.databind.JsonNode;

/**
 * A Kubernetes API server in the JVM: upstream's REST paths and semantics over HTTP on loopback,
 * backed by an MVCC in-memory {@link Storage}, so that kubectl, the fabric8 client and the
 * chapters' components talk to it as to a real cluster.
 *
 * <p>Upstream: {@code cmd/kube-apiserver} as a whole ({@code k8s.io/apiserver}'s generic server,
 * the registries of {@code pkg/registry}), without authentication, authorization, TLS, etcd, or
 * server-side apply; the chapter lists every difference. It bootstraps what a fresh v1.20 cluster
 * has: the namespaces default, kube-system, kube-public and kube-node-lease, and the priority
 * classes system-cluster-critical and system-node-critical.
 *
 * <p>Threads: Jetty's {@code apiserver-http-*} pool (one thread per open watch), one {@code
 * garbage-collector}, and the clock's timers. {@link #close()} ends every watch, stops them and
 * joins them.
 */
public final class ApiServer implements AutoCloseable {

  /** The default range of service cluster IPs: loopback, so services can be served locally. */
  public static final String DEFAULT_SERVICE_CIDR = "127.96.0.0/12";

  private final MemoryStorage storage;
  private final Registry registry;
  private final InProcessApi api;
  private final Clock clock;
  private final SystemClock ownClock;
  private final Server server;
  private final ServerConnector connector;
  private final ApiHandler handler;
  private final GarbageCollector gc;
  private final String host;

  private ApiServer(Builder b) {
    if (!b.allowNonLoopback && !isLoopback(b.host)) {
      throw new IllegalArgumentException(
          "refusing to listen on "
              + b.host
              + ": not a loopback address (the server has no"
              + " authentication); allow it explicitly to do so");
    }
    this.host = b.host;
    this.ownClock = b.clock == null ? new SystemClock("apiserver-timers", 1) : null;
    this.clock = b.clock == null ? ownClock : b.clock;
    this.storage = new MemoryStorage(b.historySize, MemoryStorage.DEFAULT_WATCHER_BACKLOG);
    Random random = new Random(b.seed);
    this.registry = new Registry(storage, clock, random, new ServiceIps(b.serviceCidr, random));
    this.api = new InProcessApi(storage, registry);
    this.handler = new ApiHandler(registry, storage, clock, random);
    QueuedThreadPool pool = new QueuedThreadPool(b.maxThreads, 4);
    pool.setName("apiserver-http");
    this.server = new Server(pool);
    this.connector = new ServerConnector(server, 1, 1);
    connector.setHost(b.host);
    connector.setPort(b.port);
    connector.setIdleTimeout(ApiHandler.MIN_REQUEST_TIMEOUT.multipliedBy(2).toMillis());
    server.addConnector(connector);
    server.setHandler(b.dashboard ? new io.kubelab.cluster.dashboard.Dashboard(handler) : handler);
    server.setStopTimeout(5_000);
    this.gc = new GarbageCollector(registry);
  }

  private static boolean isLoopback(String host) {
    try {
      return InetAddress.getByName(host).isLoopbackAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /** Starts serving. */
  public ApiServer start() {
    try {
      server.start();
    } catch (Exception e) {
      close();
      throw new IllegalStateException(
          "cannot listen on " + host + ":" + connector.getPort() + ": " + e.getMessage(), e);
    }
    handler.serverAddress(host + ":" + port());
    return this;
  }

  /** The port the server listens on (the one it was given, or the one it got for 0). */
  public int port() {
    return connector.getLocalPort();
  }

  /** {@code http://127.0.0.1:PORT}. */
  public String url() {
    String h = host.contains(":") ? "[" + host + "]" : host;
    return "http://" + h + ":" + port();
  }

  /** The store, for tests that look behind the API. */
  public MemoryStorage storage() {
    return storage;
  }

  /**
   * Loads objects as they are (a file's nodes, pods, ... with their uids, timestamps and status),
   * in order: namespaces they name are created first.
   *
   * @return how many objects were loaded
   * @throws IllegalArgumentException naming the object, for a kind this server does not serve or an
   *     object it refuses
   */
  public int load(List<? extends HasMetadata> objects) {
    return api.load(objects);
  }

  /** Writes a kubeconfig for this server (no credentials: loopback, no authentication). */
  public void writeKubeconfig(Path path) throws IOException {
    String text =
        """
        apiVersion: v1
        kind: Config
        clusters:
        - name: kubelab
          cluster:
            server: %s
        users:
        - name: kubelab
          user: {}
        contexts:
        - name: kubelab
          context:
            cluster: kubelab
            user: kubelab
            namespace: default
        current-context: kubelab
        """
            .formatted(url());
    Path parent = path.toAbsolutePath().getParent();
    if (parent != null) {
      Files.createDirectories(parent);
    }
    Files.writeString(path, text);
  }

  /** A JSON view of one stored object, for tests. */
  public JsonNode object(String key) {
    return storage.get(key);
  }

  @Override
  public void close() {
    storage.close(); // ends every watch stream
    try {
      server.stop();
    } catch (Exception e) {
      // stopping is best effort; the threads are joined below
    }
    try {
      server.join();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    gc.close();
    if (ownClock != null) {
      ownClock.close();
    }
  }

  /** Options of a server. */
  public static final class Builder {
    private String host = "127.0.0.1";
    private int port;
    private boolean allowNonLoopback;
    private Clock clock;
    private long seed = 1;
    private int historySize = MemoryStorage.DEFAULT_HISTORY;
    private String serviceCidr = DEFAULT_SERVICE_CIDR;
    private int maxThreads = 512;
    private boolean dashboard;

    public Builder host(String host) {
      this.host = host;
      return this;
    }

    /**
     * Also serves kubelab's dashboard page at {@code /dashboard/} ({@link
     * io.kubelab.cluster.dashboard.Dashboard}); off by default.
     */
    public Builder dashboard(boolean serve) {
      this.dashboard = serve;
      return this;
    }

    /** 0 (the default) takes any free port. */
    public Builder port(int port) {
      this.port = port;
      return this;
    }

    public Builder allowNonLoopback(boolean allow) {
      this.allowNonLoopback = allow;
      return this;
    }

    /** The clock for timestamps, watch deadlines and bookmarks (default: the system clock). */
    public Builder clock(Clock clock) {
      this.clock = clock;
      return this;
    }

    /** Seeds uids, generated names and allocated IPs. */
    public Builder seed(long seed) {
      this.seed = seed;
      return this;
    }

    /** How many events the watch history keeps before it compacts. */
    public Builder historySize(int events) {
      this.historySize = events;
      return this;
    }

    public Builder serviceCidr(String cidr) {
      this.serviceCidr = cidr;
      return this;
    }

    public Builder maxThreads(int n) {
      this.maxThreads = n;
      return this;
    }

    public ApiServer build() {
      return new ApiServer(this);
    }
  }
}
